package io.migplan.cli.output;

/** How a command prints: for people (aligned tables, summary lines) or for programs (the scheduler's JSON as is). */
public enum Format {
    text, json
}
