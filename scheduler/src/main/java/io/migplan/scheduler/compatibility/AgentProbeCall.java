package io.migplan.scheduler.compatibility;

import io.grpc.StatusRuntimeException;
import io.migplan.proto.v1.AgentServiceGrpc;
import io.migplan.proto.v1.ProbeCompatibilityRequest;
import io.migplan.proto.v1.ProbeCompatibilityResponse;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.metrics.SchedulerMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.faulttolerance.Retry;
import io.smallrye.faulttolerance.api.ExponentialBackoff;

/**
 * One background ProbeCompatibility call, retried with exponential backoff when the agent
 * cannot be reached or does not answer in time (250 ms, 500 ms, 1 s, then it gives up;
 * operators tune it with MicroProfile Fault Tolerance keys such as
 * {@code io.migplan.scheduler.compatibility.AgentProbeCall/ask/Retry/maxRetries}). Only background
 * refreshes use it: a query never waits for retries, it says UNKNOWN and why.
 */
@ApplicationScoped
public class AgentProbeCall {

    @Inject
    AgentChannels channels;
    @Inject
    MigplanConfig config;
    @Inject
    SchedulerMetrics metrics;

    @Retry(maxRetries = 3, delay = 250, delayUnit = ChronoUnit.MILLIS, retryOn = StatusRuntimeException.class)
    @ExponentialBackoff(factor = 2, maxDelay = 4, maxDelayUnit = ChronoUnit.SECONDS)
    public ProbeCompatibilityResponse ask(String host, String endpoint, ProbeCompatibilityRequest request) {
        long sent = System.nanoTime();
        boolean answered = false;
        try {
            ProbeCompatibilityResponse response = AgentServiceGrpc.newBlockingStub(channels.channel(host, endpoint))
                    .withDeadlineAfter(config.probe().timeout().toMillis(), TimeUnit.MILLISECONDS)
                    .probeCompatibility(request);
            answered = true;
            return response;
        } finally {
            // Each try is a call of its own: a retried batch counts every attempt and each failure.
            metrics.probe(host, System.nanoTime() - sent, answered);
        }
    }
}
