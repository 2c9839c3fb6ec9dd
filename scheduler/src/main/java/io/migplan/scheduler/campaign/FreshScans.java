package io.migplan.scheduler.campaign;

import io.grpc.StatusRuntimeException;
import io.migplan.proto.v1.AgentServiceGrpc;
import io.migplan.proto.v1.GetInventoryRequest;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.scheduler.compatibility.AgentChannels;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.snapshot.HostView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;

/**
 * Asks a host's agent for a fresh scan ({@code GetInventory} with rescan, by the host's id, so
 * another host's agent cannot answer for it): the positive evidence a destructive or settling
 * decision rests on. It stores nothing (the agent reports the scan itself) and judges nothing.
 */
@ApplicationScoped
public class FreshScans {

    /** The outcome of asking: a scan, or why there is none. */
    public sealed interface Scan {
    }

    /** The agent answered with a scan of the host asked for. */
    public record Seen(HostSnapshot snapshot) implements Scan {
    }

    /** No scan: the host is not up, has no endpoint, or its agent did not answer in time. */
    public record Unavailable(String why) implements Scan {
    }

    @Inject
    AgentChannels channels;
    @Inject
    MigplanConfig config;

    /** Asks the agent of {@code host} (as the snapshot has it) to scan again and answer, within the rescan timeout. */
    public Scan ask(HostView host) {
        if (host.state() != HostState.UP) {
            return new Unavailable("host " + host.id() + " is " + host.state() + "; only an UP host's agent is asked"
                    + " for a fresh scan");
        }
        if (host.agentEndpoint() == null || host.agentEndpoint().isBlank()) {
            return new Unavailable("host " + host.id() + " reported no agent endpoint to ask for a fresh scan");
        }
        try {
            HostSnapshot scan = AgentServiceGrpc.newBlockingStub(channels.channel(host.id(), host.agentEndpoint()))
                    .withDeadlineAfter(config.campaign().rescanTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .getInventory(GetInventoryRequest.newBuilder().setRescan(true).setHostId(host.id()).build());
            if (!scan.getHost().getId().equals(host.id())) {
                return new Unavailable("the agent asked for host " + host.id() + " answered as host "
                        + scan.getHost().getId());
            }
            return new Seen(scan);
        } catch (StatusRuntimeException e) {
            var wrong = AgentChannels.wrongAgent(e, host.id(), host.agentEndpoint());
            if (wrong.isPresent()) {
                return new Unavailable(wrong.get());
            }
            return new Unavailable("the agent of host " + host.id() + " at " + host.agentEndpoint()
                    + " gave no fresh scan (" + e.getStatus().getCode()
                    + (e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription()) + ")");
        } catch (IllegalArgumentException e) {
            return new Unavailable("host " + host.id() + " reported an agent endpoint gRPC cannot dial ("
                    + e.getMessage() + ")");
        }
    }
}
