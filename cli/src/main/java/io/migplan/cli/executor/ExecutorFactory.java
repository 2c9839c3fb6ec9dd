package io.migplan.cli.executor;

import io.migplan.cli.executor.command.CommandExecutor;
import io.migplan.cli.executor.libvirt.HostUris;
import io.migplan.cli.executor.libvirt.LibvirtExecutor;
import io.migplan.cli.executor.libvirt.ReportedHostUris;
import io.migplan.cli.executor.process.ProcessRunner;
import io.migplan.cli.executor.simulator.SimulatorExecutor;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Chooses the {@link Executor} {@code --executor} names, and nothing else: the one place that
 * knows every executor's name and what it needs. An unknown name is refused with the list of names,
 * an option given to an executor that does not take it with the executor that does.
 */
public final class ExecutorFactory {

    /** Every executor name, in the order help shows them. */
    public static final List<String> KNOWN = List.of("simulator", "libvirt", "command");

    /**
     * What the executors need from the command line; each takes its own fields.
     *
     * @param simulator    the simulator's control address, HOST:PORT ({@code simulator} only)
     * @param libvirt      the libvirt executor's settings ({@code libvirt} only)
     * @param command      the command executor's settings ({@code command}; its upgrade command and
     *                     timeouts also serve {@code libvirt}'s upgrades through {@code libvirt})
     * @param reportedUris a host's libvirt URI as its agent reported it, empty when none ({@code libvirt})
     * @param given        the executor-specific flags the user gave, to refuse those the chosen
     *                     executor does not take
     */
    public record Options(String simulator, LibvirtExecutor.Options libvirt, CommandExecutor.Options command,
            Function<String, Optional<String>> reportedUris, List<String> given) {
        public Options {
            given = List.copyOf(given);
        }

        /** Options for the simulator alone (tests). */
        public static Options simulatorAt(String address) {
            return new Options(address, LibvirtExecutor.Options.defaults(), CommandExecutor.Options.of(List.of(), List.of()),
                    h -> Optional.empty(), List.of());
        }
    }

    /** The flags each executor takes, beside the ones all take. */
    private static final java.util.Map<String, List<String>> FLAGS = java.util.Map.of(
            "simulator", List.of("--simulator"),
            "libvirt", List.of("--virsh", "--libvirt-uri-template", "--virsh-timeout", "--abort-grace",
                    "--migration-timeout", "--upgrade-command", "--upgrade-timeout"),
            "command", List.of("--command", "--upgrade-command", "--migration-timeout", "--upgrade-timeout"));

    private ExecutorFactory() {
    }

    /**
     * The executor called {@code name}, ready to use.
     *
     * @throws IllegalArgumentException for an unknown name, a flag the executor does not take, or a
     *                                  missing or bad option (a usage error)
     * @throws ExecutionFailure         when the executor cannot reach what it drives
     */
    public static Executor create(String name, Options options) throws ExecutionFailure {
        String n = name == null ? "" : name.strip();
        List<String> takes = FLAGS.get(n);
        if (takes == null) {
            throw new IllegalArgumentException("unknown executor '" + n + "': one of " + String.join(", ", KNOWN));
        }
        for (String flag : options.given()) {
            if (!takes.contains(flag)) {
                String owners = FLAGS.entrySet().stream().filter(e -> e.getValue().contains(flag)).map(e -> e.getKey())
                        .sorted().reduce((a, b) -> a + ", " + b).orElse("none");
                throw new IllegalArgumentException(flag + " applies to --executor " + owners + ", not " + n);
            }
        }
        switch (n) {
            case "simulator":
                if (options.simulator() == null || options.simulator().isBlank()) {
                    throw new IllegalArgumentException("--executor simulator needs --simulator HOST:PORT, the"
                            + " simulator's control port (host-agent simulate --control-port)");
                }
                return SimulatorExecutor.connect(SimulatorExecutor.target(options.simulator()));
            case "libvirt":
                LibvirtExecutor.Options lo = Objects.requireNonNull(options.libvirt());
                HostUris uris = new ReportedHostUris(options.reportedUris(), HostUris.template(lo.uriTemplate()));
                return new LibvirtExecutor(lo, uris, new ProcessRunner(), w -> System.err.println("warning: " + w));
            default:
                return CommandExecutor.fromOptions(Objects.requireNonNull(options.command()));
        }
    }
}
