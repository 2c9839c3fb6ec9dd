package io.migplan.cli.executor.command;

import io.migplan.cli.executor.ExecutionFailure;
import io.migplan.cli.executor.Executor;
import io.migplan.cli.executor.process.Durations;
import io.migplan.cli.executor.process.ProcessResult;
import io.migplan.cli.executor.process.ProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Carries migrations and upgrades out by running a user's program, for sites that already have
 * the tooling (an Ansible playbook, an in-house tool). Per migration it runs {@code --command}
 * with the arguments {@code migrate <vm> <from> <to>}, per upgrade {@code --upgrade-command} with
 * {@code upgrade <host> <toRelease>}; either way the whole migration or upgrade is one JSON
 * document on stdin ({@link ExecutionDocuments}). Exit status 0 means done (a migration: the VM
 * runs on the target; an upgrade: started or done); anything else is a failure whose reason is
 * the program's last lines of stderr. A program still running at its timeout is killed with
 * everything it started, and the migration or upgrade failed. stdout is read (bounded) and
 * ignored: it is for the program's own log.
 *
 * <p>It decides nothing and retries nothing: the scheduler settles a failed migration from what the
 * agents see. Programs are run without a shell (the program and its own arguments as given).
 */
public final class CommandExecutor implements Executor {
    /** Quote this many of the program's last stderr lines in a failure: an error and its context. */
    static final int STDERR_LINES = 5;
    /** ... and at most this many characters of them, so the reason stays one readable sentence. */
    static final int STDERR_CHARS = 1000;

    /**
     * The command executor's settings.
     *
     * @param command          {@code --command}: the program (and its own fixed arguments) run per
     *                         migration; empty when migrations are not carried out by a program
     * @param upgradeCommand   {@code --upgrade-command}: the program run per upgrade; empty when none
     * @param migrationTimeout {@code --migration-timeout}: used when a migration carries no timeout of its own
     * @param upgradeTimeout   {@code --upgrade-timeout}: how long an upgrade program may run
     */
    public record Options(List<String> command, List<String> upgradeCommand, Duration migrationTimeout,
            Duration upgradeTimeout) {
        /**
         * An upgrade program that installs packages and reboots returns within minutes; an hour
         * only bounds one that hangs.
         */
        public static final Duration DEFAULT_UPGRADE_TIMEOUT = Duration.ofHours(1);
        /** Ten minutes: a few GiB of guest memory over 10 GbE with headroom for a busy guest. */
        public static final Duration DEFAULT_MIGRATION_TIMEOUT = Duration.ofMinutes(10);

        public Options {
            command = List.copyOf(command);
            upgradeCommand = List.copyOf(upgradeCommand);
            Objects.requireNonNull(migrationTimeout, "migrationTimeout");
            Objects.requireNonNull(upgradeTimeout, "upgradeTimeout");
            if (migrationTimeout.isNegative() || migrationTimeout.isZero()) {
                throw new IllegalArgumentException("--migration-timeout must be positive, got " + migrationTimeout);
            }
            if (upgradeTimeout.isNegative() || upgradeTimeout.isZero()) {
                throw new IllegalArgumentException("--upgrade-timeout must be positive, got " + upgradeTimeout);
            }
            if (!command.isEmpty() && command.get(0).isBlank()) {
                throw new IllegalArgumentException("--command names no program");
            }
            if (!upgradeCommand.isEmpty() && upgradeCommand.get(0).isBlank()) {
                throw new IllegalArgumentException("--upgrade-command names no program");
            }
        }

        /** These programs with the default timeouts. */
        public static Options of(List<String> command, List<String> upgradeCommand) {
            return new Options(command, upgradeCommand, DEFAULT_MIGRATION_TIMEOUT, DEFAULT_UPGRADE_TIMEOUT);
        }
    }

    private final Options options;
    private final ProcessRunner runner;

    public CommandExecutor(Options options) {
        this(options, new ProcessRunner());
    }

    public CommandExecutor(Options options, ProcessRunner runner) {
        this.options = Objects.requireNonNull(options);
        this.runner = Objects.requireNonNull(runner);
    }

    /**
     * The command executor for {@code --executor command}: at least one of the programs must be given.
     *
     * @throws IllegalArgumentException with a sentence naming the flags when neither is
     */
    public static CommandExecutor fromOptions(Options options) {
        if (options.command().isEmpty() && options.upgradeCommand().isEmpty()) {
            throw new IllegalArgumentException("--executor command needs --command PROG (run per migration) and/or"
                    + " --upgrade-command PROG (run per upgrade)");
        }
        return new CommandExecutor(options);
    }

    @Override
    public String name() {
        return "command";
    }

    @Override
    public void migrate(Migration migration) throws ExecutionFailure, InterruptedException {
        if (options.command().isEmpty()) {
            throw new ExecutionFailure("no --command was given: the command executor migrates VM " + migration.vm()
                    + " by running `PROG migrate <vm> <from> <to>`");
        }
        Duration timeout = timeoutOf(migration, options.migrationTimeout());
        run(options.command(), List.of("migrate", migration.vm(), migration.from(), migration.to()),
                ExecutionDocuments.migration(migration, timeout), timeout,
                "migration of VM " + migration.vm() + " from " + migration.from() + " to " + migration.to());
    }

    @Override
    public void upgrade(Upgrade upgrade) throws ExecutionFailure, InterruptedException {
        if (options.upgradeCommand().isEmpty()) {
            throw new ExecutionFailure("no --upgrade-command was given: host " + upgrade.host()
                    + " is upgraded by running `PROG upgrade <host> <toRelease>`");
        }
        run(options.upgradeCommand(), List.of("upgrade", upgrade.host(), upgrade.toRelease()),
                ExecutionDocuments.upgrade(upgrade), options.upgradeTimeout(),
                "upgrade of host " + upgrade.host() + " to " + upgrade.toRelease());
    }

    /** The migration's own timeout, or {@code fallback} when it carries none. */
    public static Duration timeoutOf(Migration migration, Duration fallback) {
        Duration t = migration.timeout();
        return t == null || t.isZero() || t.isNegative() ? fallback : t;
    }

    private void run(List<String> program, List<String> args, String document, Duration timeout, String what)
            throws ExecutionFailure, InterruptedException {
        List<String> argv = new ArrayList<>(program);
        argv.addAll(args);
        ProcessResult result;
        try {
            result = runner.run(argv, document.getBytes(StandardCharsets.UTF_8), timeout);
        } catch (IOException e) {
            throw new ExecutionFailure(what + " failed: `" + program.get(0) + "` could not be started ("
                    + e.getMessage() + ")", e);
        }
        if (result.timedOut()) {
            throw new ExecutionFailure(what + " failed: `" + ProcessRunner.display(argv) + "` did not end within "
                    + Durations.format(timeout) + " and was killed" + stderr(result));
        }
        if (result.exitCode() != 0) {
            throw new ExecutionFailure(what + " failed: `" + ProcessRunner.display(argv) + "` exited with status "
                    + result.exitCode() + stderr(result));
        }
    }

    private static String stderr(ProcessResult result) {
        String tail = result.stderrTail(STDERR_LINES);
        if (tail.isEmpty()) {
            return " (nothing on stderr)";
        }
        return ": " + (tail.length() > STDERR_CHARS ? "..." + tail.substring(tail.length() - STDERR_CHARS) : tail);
    }
}
