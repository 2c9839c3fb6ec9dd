package io.migplan.scheduler.testsupport;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.migplan.proto.v1.CampaignServiceGrpc;
import io.migplan.proto.v1.InventoryServiceGrpc;
import io.migplan.proto.v1.PlacementServiceGrpc;
import io.migplan.proto.v1.PlanServiceGrpc;
import io.restassured.RestAssured;
import java.util.concurrent.TimeUnit;

/**
 * A real gRPC client of the test application: with {@code use-separate-server=false} the
 * services answer on the HTTP test port, which RestAssured knows once the app is up.
 */
public final class SchedulerGrpc implements AutoCloseable {

    /** Generous for a loopback call on a busy 2-core machine; a hang fails the test instead of the build. */
    private static final long CALL_DEADLINE_SECONDS = 20;

    private final ManagedChannel channel;
    private final CallCredentials credentials;

    /** A client calling with an admin token of the test application. */
    public SchedulerGrpc() {
        this(TestTokens.grpc(TestTokens.admin()));
    }

    /** A client calling with {@code credentials} (null: with no token at all). */
    public SchedulerGrpc(CallCredentials credentials) {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", RestAssured.port).usePlaintext().build();
        this.credentials = credentials;
    }

    /** The agents' service, called as agents call it: with no token (their identity is their certificate). */
    public InventoryServiceGrpc.InventoryServiceBlockingStub inventory() {
        return InventoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    /** The inventory service with calls answered as futures: many calls in flight at once. */
    public InventoryServiceGrpc.InventoryServiceFutureStub inventoryFutures() {
        return InventoryServiceGrpc.newFutureStub(channel).withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    public PlacementServiceGrpc.PlacementServiceBlockingStub placement() {
        return PlacementServiceGrpc.newBlockingStub(channel).withCallCredentials(credentials)
                .withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    public PlanServiceGrpc.PlanServiceBlockingStub plans() {
        return PlanServiceGrpc.newBlockingStub(channel).withCallCredentials(credentials)
                .withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    public CampaignServiceGrpc.CampaignServiceBlockingStub campaigns() {
        return CampaignServiceGrpc.newBlockingStub(channel).withCallCredentials(credentials)
                .withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
