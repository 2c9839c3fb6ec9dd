package io.migplan.cli.executor;

import io.migplan.cli.executor.simulator.SimulatorExecutor;
import java.util.List;

/**
 * Chooses the {@link Executor} {@code --executor} names, and nothing else: the one place that
 * knows every executor's name and what it needs. An unknown name, or one not available in this
 * build, is refused with the list of names.
 */
public final class ExecutorFactory {

    /** Every executor name, in the order help shows them. */
    public static final List<String> KNOWN = List.of("simulator", "libvirt", "command");

    /**
     * What the executors need from the command line; each takes its own fields.
     *
     * @param simulator the simulator's control address, HOST:PORT ({@code simulator} only)
     */
    public record Options(String simulator) {
    }

    private ExecutorFactory() {
    }

    /**
     * The executor called {@code name}, ready to use.
     *
     * @throws IllegalArgumentException for an unknown name, one not available yet, or a missing or bad option (a usage error)
     * @throws ExecutionFailure         when the executor cannot reach what it drives
     */
    public static Executor create(String name, Options options) throws ExecutionFailure {
        String n = name == null ? "" : name.strip();
        switch (n) {
            case "simulator":
                if (options.simulator() == null || options.simulator().isBlank()) {
                    throw new IllegalArgumentException("--executor simulator needs --simulator HOST:PORT, the"
                            + " simulator's control port (host-agent simulate --control-port)");
                }
                return SimulatorExecutor.connect(SimulatorExecutor.target(options.simulator()));
            case "libvirt":
            case "command":
                throw new IllegalArgumentException("the " + n + " executor is not available in this build;"
                        + " available: simulator (known: " + String.join(", ", KNOWN) + ")");
            default:
                throw new IllegalArgumentException("unknown executor '" + n + "': one of " + String.join(", ", KNOWN));
        }
    }
}
