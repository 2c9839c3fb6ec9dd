package io.migplan.scheduler.api.grpc;

import io.migplan.scheduler.auth.HostIdentity;
import io.grpc.stub.StreamObserver;
import io.migplan.proto.v1.HeartbeatRequest;
import io.migplan.proto.v1.HeartbeatResponse;
import io.migplan.proto.v1.InventoryServiceGrpc;
import io.migplan.proto.v1.ReportInventoryRequest;
import io.migplan.proto.v1.ReportInventoryResponse;
import io.migplan.scheduler.identity.ReportingIdentity;
import io.migplan.scheduler.identity.SchedulerTls;
import io.migplan.scheduler.inventory.Heartbeats;
import io.migplan.scheduler.inventory.InventoryStore;
import io.migplan.scheduler.metrics.SchedulerMetrics;
import io.quarkus.grpc.GrpcService;
import io.quarkus.grpc.RegisterInterceptor;
import io.smallrye.common.annotation.Blocking;
import io.migplan.scheduler.error.InvalidRequestException;
import jakarta.inject.Inject;
import java.time.Clock;

/**
 * InventoryService: agents report snapshots and heartbeats. The rules are in {@link InventoryStore};
 * with TLS on, a caller reports and beats only for the host its certificate names ({@link ReportingIdentity}).
 */
@GrpcService
@RegisterInterceptor(CallerIdentity.class)
public class InventoryGrpcService extends InventoryServiceGrpc.InventoryServiceImplBase {

    @Inject
    InventoryStore store;
    @Inject
    Clock clock;
    @Inject
    Heartbeats heartbeats;
    @Inject
    SchedulerTls tls;
    @Inject
    SchedulerMetrics metrics;

    @Override
    @Blocking
    @HostIdentity
    public void reportInventory(ReportInventoryRequest request, StreamObserver<ReportInventoryResponse> response) {
        long start = System.nanoTime();
        GrpcCalls.answer(response, () -> {
            String outcome = "refused";
            try {
                requireCallerIs(request.getSnapshot().getHost().getId());
                var stored = store.report(request, clock.instant());
                outcome = stored.applied() ? "applied" : "ignored";
                return ReportInventoryResponse.newBuilder().setApplied(stored.applied())
                        .setStoredGeneration(stored.storedGeneration()).setMessage(stored.message()).build();
            } finally {
                metrics.report(outcome, System.nanoTime() - start);
            }
        });
    }

    /** Answered once the beat is written with others ({@link Heartbeats}); no worker thread waits for it. */
    @Override
    @HostIdentity
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> response) {
        GrpcCalls.answerLater(response, () -> {
            String host = GrpcCalls.required("host_id", request.getHostId(), "the id the host reports under");
            requireCallerIs(host);
            if (request.getGeneration() < 0) {
                throw new InvalidRequestException("generation is negative (" + request.getGeneration() + ")");
            }
            return heartbeats.beat(host, request.getGeneration())
                    .thenApply(resend -> HeartbeatResponse.newBuilder().setResendInventory(resend).build());
        });
    }

    private void requireCallerIs(String hostId) {
        var refusal = ReportingIdentity.refusal(tls.enabled(), CallerIdentity.current(), hostId);
        if (refusal.isPresent()) {
            throw refusal.get();
        }
    }
}
