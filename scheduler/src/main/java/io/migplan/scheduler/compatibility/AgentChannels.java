package io.migplan.scheduler.compatibility;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.migplan.identity.ExpectedPeerTrustManager.PeerIdentityMismatchException;
import io.migplan.identity.PeerIdentity;
import io.migplan.scheduler.identity.SchedulerTls;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The only place where the scheduler opens connections to host agents: one channel per host and
 * agent endpoint ({@code host:port}), kept for reuse and closed on shutdown. With TLS on ({@link
 * SchedulerTls}) a channel presents the scheduler's certificate and connects only to an agent whose
 * certificate names the host it is meant to reach, so an endpoint a report names cannot redirect the
 * scheduler's probes; without TLS channels are plaintext.
 */
@ApplicationScoped
public class AgentChannels {

    private static final Logger LOG = Logger.getLogger(AgentChannels.class);

    /** How long shutdown waits for in-flight probes before cutting channels. */
    private static final long SHUTDOWN_GRACE_SECONDS = 2;

    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    @Inject
    SchedulerTls tls;
    @Inject
    AgentTracing tracing;

    /** An agent's answer may be as large as what agents may send the scheduler: one limit for both directions. */
    @ConfigProperty(name = "quarkus.grpc.server.max-inbound-message-size")
    int maxInboundBytes;

    /**
     * The channel to the agent of {@code host} at {@code endpoint}, created on first use. Throws for
     * an endpoint gRPC cannot parse, or a host id no certificate can name.
     */
    public ManagedChannel channel(String host, String endpoint) {
        return channels.computeIfAbsent(host + " at " + endpoint, k -> {
            NettyChannelBuilder b = tls.enabled()
                    ? NettyChannelBuilder.forTarget(endpoint, tls.channelCredentials(PeerIdentity.host(host)))
                    : NettyChannelBuilder.forTarget(endpoint).usePlaintext();
            return b.maxInboundMessageSize(maxInboundBytes).intercept(tracing.interceptor()).build();
        });
    }

    /**
     * The phrase for a call an agent's certificate stopped: it names another host (an endpoint
     * reported by someone else, or a host moved to another address). Empty for any other failure.
     */
    public static Optional<String> wrongAgent(Throwable failure, String host, String endpoint) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PeerIdentityMismatchException m) {
                return Optional.of("the agent at " + endpoint + " is not host " + host + "'s: "
                        + m.found().map(f -> "its certificate names " + f).orElse("its certificate names no host")
                        + ", so it was not asked");
            }
        }
        return Optional.empty();
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
