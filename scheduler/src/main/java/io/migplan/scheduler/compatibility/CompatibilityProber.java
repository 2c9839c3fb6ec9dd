package io.migplan.scheduler.compatibility;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Status;
import io.migplan.proto.v1.AgentServiceGrpc;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeCompatibilityRequest;
import io.migplan.proto.v1.ProbeCompatibilityResponse;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.metrics.SchedulerMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Asks host agents whether their device types accept given migration state: one
 * {@code ProbeCompatibility} batch per host, all hosts at once, under one deadline
 * ({@code migplan.probe.timeout}). It never decides compatibility itself and never fails
 * the caller: whatever goes wrong with an agent becomes a {@link ProbeOutcome.Failed} with
 * a phrase saying why, which the compatibility filter reads as UNKNOWN.
 */
@ApplicationScoped
public class CompatibilityProber {

    private static final Logger LOG = Logger.getLogger(CompatibilityProber.class);

    /**
     * Extra wait beyond the RPC deadline before giving up on a future, so that gRPC's own
     * DEADLINE_EXCEEDED (with its clearer status) normally arrives first.
     */
    private static final long GRACE_MILLIS = 200;

    @Inject
    AgentChannels channels;
    @Inject
    MigplanConfig config;
    @Inject
    SchedulerMetrics metrics;

    /** A batch for one host. */
    public record Batch(String host, String endpoint, List<ProbeQuestion> questions) {
    }

    /** Outcome per host id, for every batch given. Returns within about the probe timeout. */
    public Map<String, ProbeOutcome> probe(List<Batch> batches) {
        long timeoutMillis = config.probe().timeout().toMillis();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis + GRACE_MILLIS);
        Map<String, ProbeOutcome> out = new HashMap<>();
        Map<Batch, ListenableFuture<ProbeCompatibilityResponse>> pending = new LinkedHashMap<>();
        for (Batch b : batches) {
            if (b.endpoint() == null || b.endpoint().isBlank()) {
                out.put(b.host(), new ProbeOutcome.Failed("the host reported no agent endpoint"));
                continue;
            }
            try {
                long sent = System.nanoTime();
                ListenableFuture<ProbeCompatibilityResponse> call = AgentServiceGrpc.newFutureStub(
                                channels.channel(b.host(), b.endpoint()))
                        .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
                        .probeCompatibility(ProbeCompatibilityRequest.newBuilder().addAllQuestions(b.questions()).build());
                // Timed when the call ends (answered, failed, or cancelled past the deadline), on gRPC's thread.
                call.addListener(() -> metrics.probe(b.host(), System.nanoTime() - sent, succeeded(call)),
                        MoreExecutors.directExecutor());
                pending.put(b, call);
            } catch (RuntimeException e) {
                out.put(b.host(), new ProbeOutcome.Failed("agent endpoint '" + b.endpoint() + "' is not usable ("
                        + e.getMessage() + ")"));
            }
        }
        for (var e : pending.entrySet()) {
            Batch b = e.getKey();
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                out.put(b.host(), answered(b, e.getValue().get(left, TimeUnit.NANOSECONDS)));
            } catch (TimeoutException te) {
                e.getValue().cancel(true);
                out.put(b.host(), new ProbeOutcome.Failed(noAnswer(b, timeoutMillis)));
            } catch (ExecutionException ee) {
                out.put(b.host(), new ProbeOutcome.Failed(describe(b, ee.getCause(), timeoutMillis)));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                out.put(b.host(), new ProbeOutcome.Failed("the probe of agent at " + b.endpoint() + " was interrupted"));
            }
        }
        return out;
    }

    private static boolean succeeded(ListenableFuture<?> done) {
        try {
            Futures.getDone(done);
            return true;
        } catch (ExecutionException | RuntimeException e) {
            return false;
        }
    }

    /** Answers keyed by question id; an agent that leaves ids empty is matched by position. */
    static ProbeOutcome answered(Batch b, ProbeCompatibilityResponse response) {
        Map<String, ProbeAnswer> byId = new HashMap<>();
        for (int i = 0; i < response.getAnswersCount(); i++) {
            ProbeAnswer a = response.getAnswers(i);
            String id = !a.getId().isEmpty() ? a.getId()
                    : i < b.questions().size() ? b.questions().get(i).getId() : "";
            byId.putIfAbsent(id, a);
        }
        return new ProbeOutcome.Answered(b.endpoint(), byId);
    }

    private static String noAnswer(Batch b, long timeoutMillis) {
        return "agent at " + b.endpoint() + " did not answer within " + timeoutMillis + " ms";
    }

    private static String describe(Batch b, Throwable cause, long timeoutMillis) {
        var wrong = AgentChannels.wrongAgent(cause, b.host(), b.endpoint());
        if (wrong.isPresent()) {
            LOG.warnf("probe of host %s: %s", b.host(), wrong.get());
            return wrong.get();
        }
        Status status = Status.fromThrowable(cause);
        String detail = status.getDescription() != null ? ": " + status.getDescription() : "";
        String why = switch (status.getCode()) {
            case DEADLINE_EXCEEDED -> noAnswer(b, timeoutMillis);
            case UNAVAILABLE -> "agent at " + b.endpoint() + " is unreachable (UNAVAILABLE" + detail + ")";
            default -> "agent at " + b.endpoint() + " failed the probe (" + status.getCode() + detail + ")";
        };
        LOG.debugf("probe of host %s: %s", b.host(), why);
        return why;
    }
}
