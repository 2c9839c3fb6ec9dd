package io.migplan.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code migplan} command: the scheduler's API for people and scripts, and the executors that carry plans out. */
@Command(name = "migplan", mixinStandardHelpOptions = true, version = "migplan 0.1.0",
        description = "Plans and carries out VM migrations for rolling upgrades of a KVM fleet.")
public final class Migplan implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "give a command");
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Migplan()).execute(args));
    }
}
