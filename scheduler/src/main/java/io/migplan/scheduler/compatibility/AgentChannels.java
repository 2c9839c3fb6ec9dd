package io.migplan.scheduler.compatibility;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The only place where the scheduler opens connections to host agents: one channel per
 * agent endpoint ({@code host:port}), kept for reuse and closed on shutdown. Mutual TLS for
 * agent identity belongs here when it comes; until then channels are plaintext.
 */
@ApplicationScoped
public class AgentChannels {

    private static final Logger LOG = Logger.getLogger(AgentChannels.class);

    /** How long shutdown waits for in-flight probes before cutting channels. */
    private static final long SHUTDOWN_GRACE_SECONDS = 2;

    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    /** An agent's answer may be as large as what agents may send the scheduler: one limit for both directions. */
    @ConfigProperty(name = "quarkus.grpc.server.max-inbound-message-size")
    int maxInboundBytes;

    /** The channel to {@code endpoint}, created on first use. Throws for an endpoint grpc cannot parse. */
    public ManagedChannel channel(String endpoint) {
        return channels.computeIfAbsent(endpoint, e -> NettyChannelBuilder.forTarget(e).usePlaintext()
                .maxInboundMessageSize(maxInboundBytes).build());
    }

    @PreDestroy
    void closeAll() {
        channels.values().forEach(ManagedChannel::shutdown);
        for (var e : channels.entrySet()) {
            try {
                if (!e.getValue().awaitTermination(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    e.getValue().shutdownNow();
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                e.getValue().shutdownNow();
            }
            LOG.debugf("closed the channel to agent %s", e.getKey());
        }
        channels.clear();
    }
}
