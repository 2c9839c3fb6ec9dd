package io.migplan.cli.executor.simulator;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.migplan.cli.executor.ExecutionFailure;
import io.migplan.cli.executor.Executor;
import io.migplan.proto.v1.ListSimHostsRequest;
import io.migplan.proto.v1.MigrateVmRequest;
import io.migplan.proto.v1.SimulatorServiceGrpc;
import io.migplan.proto.v1.UpgradeHostRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Carries campaigns out on a simulated fleet: {@code MigrateVm} (onto the first target parent the
 * scheduler chose) and {@code UpgradeHost} (to the campaign's release) of the simulator's control
 * service {@code migplan.v1.SimulatorService} ({@code host-agent simulate --control-port}). The
 * control port is a loopback tool, so the channel is plaintext. A refusal or an outage becomes an
 * {@link ExecutionFailure} with a sentence naming the VM or host ({@link #sentence}).
 */
public final class SimulatorExecutor implements Executor {

    /** How long the first call may take to show the simulator answers. */
    static final Duration CONNECT_CHECK = Duration.ofSeconds(5);
    /** An upgrade in the simulator rewrites one host's tree: seconds at most. */
    static final Duration UPGRADE_TIMEOUT = Duration.ofSeconds(60);

    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[^:\\s/]+):(\\d{1,5})");

    private final String target;
    private final ManagedChannel channel;
    private final SimulatorServiceGrpc.SimulatorServiceBlockingStub stub;

    private SimulatorExecutor(String target, ManagedChannel channel) {
        this.target = target;
        this.channel = channel;
        this.stub = SimulatorServiceGrpc.newBlockingStub(channel);
    }

    /**
     * {@code HOST:PORT} checked: a host and a port 1..65535.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String target(String hostPort) {
        String s = hostPort.strip();
        Matcher m = HOST_PORT.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("--simulator must be HOST:PORT, got '" + hostPort + "'");
        }
        int port = Integer.parseInt(m.group(2));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--simulator port must be 1..65535, got " + port);
        }
        return s;
    }

    /** Opens a channel to the simulator at {@code target} and checks that it answers. */
    public static SimulatorExecutor connect(String target) throws ExecutionFailure {
        ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
        SimulatorExecutor executor = new SimulatorExecutor(target, channel);
        try {
            executor.stub.withDeadlineAfter(CONNECT_CHECK.toMillis(), TimeUnit.MILLISECONDS)
                    .listHosts(ListSimHostsRequest.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            executor.close();
            throw new ExecutionFailure("cannot reach the simulator at " + target + ": " + describe(e), e);
        }
        return executor;
    }

    @Override
    public String name() {
        return "simulator";
    }

    @Override
    public void migrate(Migration m) throws ExecutionFailure, InterruptedException {
        MigrateVmRequest request = MigrateVmRequest.newBuilder().setVm(m.vm()).setTargetHost(m.to())
                .setTargetParent(m.parents().isEmpty() ? "" : m.parents().get(0)).build();
        long millis = Math.max(1000, m.timeout().toMillis());
        try {
            stub.withDeadlineAfter(millis, TimeUnit.MILLISECONDS).migrateVm(request);
        } catch (StatusRuntimeException e) {
            throw failure("migrating VM " + m.vm() + " from " + m.from() + " to " + m.to(), e);
        }
    }

    @Override
    public void upgrade(Upgrade u) throws ExecutionFailure, InterruptedException {
        UpgradeHostRequest request = UpgradeHostRequest.newBuilder().setHost(u.host()).setRelease(u.toRelease()).build();
        try {
            stub.withDeadlineAfter(UPGRADE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).upgradeHost(request);
        } catch (StatusRuntimeException e) {
            throw failure("upgrading host " + u.host() + " to " + u.toRelease(), e);
        }
    }

    private ExecutionFailure failure(String what, StatusRuntimeException e) throws InterruptedException {
        if (Thread.currentThread().isInterrupted() || e.getCause() instanceof InterruptedException) {
            Thread.interrupted();
            throw new InterruptedException(what + " was interrupted");
        }
        return new ExecutionFailure(sentence(what, target, e.getStatus()), e);
    }

    /** The sentence a failed call is reported with: what was asked, and what the simulator said or why it did not. */
    static String sentence(String what, String target, Status status) {
        String said = status.getDescription() == null ? status.getCode().name() : status.getDescription();
        return switch (status.getCode()) {
            case INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, ALREADY_EXISTS, OUT_OF_RANGE ->
                    "the simulator refused " + what + ": " + said;
            case UNAVAILABLE -> what + " failed: the simulator at " + target + " is unreachable (" + said + ")";
            case DEADLINE_EXCEEDED -> what + " did not finish in time: the simulator at " + target
                    + " gave no answer before the deadline";
            case RESOURCE_EXHAUSTED -> the(what) + ": the simulator is busy (" + said + ")";
            default -> what + " failed in the simulator: " + status.getCode() + ": " + said;
        };
    }

    private static String the(String what) {
        return what + " was refused";
    }

    private static String describe(StatusRuntimeException e) {
        Status s = e.getStatus();
        return s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
