package io.migplan.scheduler.testsupport;

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

    public SchedulerGrpc() {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", RestAssured.port).usePlaintext().build();
    }

    public InventoryServiceGrpc.InventoryServiceBlockingStub inventory() {
        return InventoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    /** The inventory service with calls answered as futures: many calls in flight at once. */
    public InventoryServiceGrpc.InventoryServiceFutureStub inventoryFutures() {
        return InventoryServiceGrpc.newFutureStub(channel).withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    public PlacementServiceGrpc.PlacementServiceBlockingStub placement() {
        return PlacementServiceGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    public PlanServiceGrpc.PlanServiceBlockingStub plans() {
        return PlanServiceGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    public CampaignServiceGrpc.CampaignServiceBlockingStub campaigns() {
        return CampaignServiceGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
