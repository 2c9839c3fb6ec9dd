package io.migplan.scheduler.auth;

import io.migplan.scheduler.error.RefusalException;
import io.quarkus.runtime.configuration.DurationConverter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar quarkus-run.jar token create --role operator --ttl 24h [--subject name]}: makes a
 * token with the scheduler's signing key, read (or made) in {@code migplan.tokens.key-dir} of the
 * same configuration the scheduler reads, without starting the scheduler. Prints the token alone on
 * standard output (so {@code TOKEN=$(…)} works) and its subject, role and expiry on standard error.
 */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Tokens the scheduler accepts.",
        subcommands = TokenCommand.Create.class)
public final class TokenCommand {

    /** Runs {@code args} (starting after "token") and returns the exit status. */
    public static int run(Path keyDir, Duration maxTtl, String... args) {
        CommandLine cli = new CommandLine(new TokenCommand());
        ((Create) cli.getSubcommands().get("create").getCommand()).settings(keyDir, maxTtl);
        return cli.execute(args);
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Print a new token signed with the scheduler's key.")
    static final class Create implements Callable<Integer> {

        @Option(names = "--role", required = true, description = "viewer, operator, orchestrator or admin, or"
                + " several separated by commas (operator,orchestrator for migplan host drain)")
        String role;

        @Option(names = "--ttl", required = true, description = "how long it is valid, e.g. 24h, 7d, PT30M"
                + " (at most migplan.tokens.max-ttl)")
        String ttl;

        @Option(names = "--subject", description = "who or what uses it (shown in the audit); default: the user"
                + " running this command")
        String subject;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        private Path keyDir;
        private Duration maxTtl;

        void settings(Path keyDir, Duration maxTtl) {
            this.keyDir = keyDir;
            this.maxTtl = maxTtl;
        }

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            Duration lasting;
            try {
                lasting = DurationConverter.parseDuration(ttl.strip());
            } catch (IllegalArgumentException e) {
                err.println("--ttl must be a duration such as 24h, 7d or PT30M, got '" + ttl + "'");
                return 2;
            }
            String who = subject != null ? subject : System.getProperty("user.name", "cli");
            try {
                LocalTokens tokens = new LocalTokens(SigningKeys.loadOrCreate(keyDir), maxTtl);
                LocalTokens.Issued issued = tokens.issue(who, role, lasting, Instant.now());
                spec.commandLine().getOut().println(issued.token());
                err.println("token for '" + issued.subject() + "' with role " + issued.role() + ", valid until "
                        + issued.expiresAt());
                return 0;
            } catch (RefusalException e) {
                err.println(e.getMessage().replaceFirst("^(role|ttl|subject) ", "--$1 "));
                return 2;
            } catch (IllegalStateException e) {
                err.println(e.getMessage());
                return 1;
            }
        }
    }
}
