package io.migplan.scheduler.error;

/**
 * Why something was refused or ruled out: a stable machine code and a sentence naming the
 * culprit, with its numbers ("host h17: no free instance of nvidia-231 on 0000:3b:00.0
 * (requested 1, available 0)"). The shape of every {@code {code, message}} the APIs return: an
 * error, a host's rejection, an unplaced or unmovable VM.
 */
public record Reason(String code, String message) {
}
