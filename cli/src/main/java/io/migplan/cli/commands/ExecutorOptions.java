package io.migplan.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.cli.client.ApiClient;
import io.migplan.cli.client.ApiException;
import io.migplan.cli.executor.ExecutorFactory;
import io.migplan.cli.executor.command.CommandExecutor;
import io.migplan.cli.executor.libvirt.HostUris;
import io.migplan.cli.executor.libvirt.LibvirtExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The executor flags of the commands that carry work out ({@code campaign run}, {@code host
 * drain}): which executor, and each executor's own settings, turned into {@link
 * ExecutorFactory.Options}. Programs are given as one string, the program and its fixed arguments
 * separated by spaces (no shell: for quoting or pipes, give a script).
 */
public final class ExecutorOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--executor", required = true, paramLabel = "NAME",
            description = "What performs migrations and upgrades: simulator, libvirt, command.")
    String executor;

    @Option(names = "--simulator", paramLabel = "HOST:PORT",
            description = "The simulator's control port (host-agent simulate --control-port), for --executor simulator.")
    String simulator;

    @Option(names = "--virsh", paramLabel = "PROGRAM", defaultValue = "virsh",
            description = "libvirt: the virsh program (default ${DEFAULT-VALUE} on the PATH).")
    String virsh;

    @Option(names = "--libvirt-uri-template", paramLabel = "URI", defaultValue = HostUris.DEFAULT_TEMPLATE,
            description = "libvirt: a host's URI when its agent reports none, {host} standing for its name"
                    + " (default ${DEFAULT-VALUE}).")
    String uriTemplate;

    @Option(names = "--virsh-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "libvirt: how long any virsh call but the migration may take (default ${DEFAULT-VALUE}).")
    long virshTimeout;

    @Option(names = "--abort-grace", paramLabel = "SECONDS", defaultValue = "60",
            description = "libvirt: how long virsh migrate may take to end after domjobabort (default ${DEFAULT-VALUE}).")
    long abortGrace;

    @Option(names = "--migration-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "libvirt, command: how long a migration may take when the scheduler gives it no deadline"
                    + " (default ${DEFAULT-VALUE}).")
    long migrationTimeout;

    @Option(names = "--command", paramLabel = "PROGRAM",
            description = "command: the program run per migration, as PROGRAM migrate VM FROM TO with the migration"
                    + " as JSON on stdin (docs/operator-guide.md).")
    String command;

    @Option(names = "--upgrade-command", paramLabel = "PROGRAM",
            description = "libvirt, command: the program run per upgrade, as PROGRAM upgrade HOST RELEASE.")
    String upgradeCommand;

    @Option(names = "--upgrade-timeout", paramLabel = "SECONDS", defaultValue = "3600",
            description = "libvirt, command: how long an upgrade program may run (default ${DEFAULT-VALUE}).")
    long upgradeTimeout;

    /** The executor's name as given. */
    String name() {
        return executor;
    }

    /**
     * The factory's options; a host's reported libvirt URI is read through {@code client}.
     *
     * @throws IllegalArgumentException naming the flag when a value is unusable
     */
    ExecutorFactory.Options toFactoryOptions(ApiClient client) {
        Duration migration = seconds(migrationTimeout, "--migration-timeout");
        Duration upgrade = seconds(upgradeTimeout, "--upgrade-timeout");
        List<String> upgradeProgram = program(upgradeCommand, "--upgrade-command");
        LibvirtExecutor.Options libvirt = new LibvirtExecutor.Options(virsh, uriTemplate,
                seconds(virshTimeout, "--virsh-timeout"), seconds(abortGrace, "--abort-grace"), migration,
                upgradeProgram, upgrade);
        CommandExecutor.Options commandOptions = new CommandExecutor.Options(program(command, "--command"),
                upgradeProgram, migration, upgrade);
        return new ExecutorFactory.Options(simulator, libvirt, commandOptions, host -> reportedUri(client, host),
                given());
    }

    /** The executor-specific flags given on the command line (not their defaults). */
    private List<String> given() {
        List<String> out = new ArrayList<>();
        for (OptionSpec o : mixee.options()) {
            String flag = o.longestName();
            if (!flag.equals("--executor") && o.userObject() != null && isExecutorFlag(flag)
                    && mixee.commandLine().getParseResult().hasMatchedOption(flag)) {
                out.add(flag);
            }
        }
        return out;
    }

    private static boolean isExecutorFlag(String flag) {
        return Arrays.stream(ExecutorOptions.class.getDeclaredFields())
                .map(f -> f.getAnnotation(Option.class)).filter(a -> a != null)
                .anyMatch(a -> Arrays.asList(a.names()).contains(flag));
    }

    /** The URI {@code GET /api/v1/hosts/{id}} shows as {@code libvirtUri}; empty when the agent reported none. */
    static Optional<String> reportedUri(ApiClient client, String host) {
        try {
            JsonNode uri = client.get(ApiClient.path("/api/v1/hosts/{}", host)).json().path("libvirtUri");
            return uri.isTextual() ? Optional.of(uri.asText()) : Optional.empty();
        } catch (ApiException e) {
            throw new IllegalArgumentException("cannot read host " + host + "'s libvirt URI from the scheduler: "
                    + e.getMessage(), e);
        }
    }

    private static Duration seconds(long value, String flag) {
        if (value < 1 || value > 86_400) {
            throw new IllegalArgumentException(flag + " must be 1..86400 seconds, got " + value);
        }
        return Duration.ofSeconds(value);
    }

    /** A program and its fixed arguments, split on spaces; empty when not given. */
    static List<String> program(String text, String flag) {
        if (text == null) {
            return List.of();
        }
        List<String> words = Arrays.stream(text.strip().split("\\s+")).filter(w -> !w.isEmpty()).toList();
        if (words.isEmpty()) {
            throw new IllegalArgumentException(flag + " names no program");
        }
        return words;
    }
}
