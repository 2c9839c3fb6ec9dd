package io.migplan.scheduler.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * gRPC server reflection over a real channel, as grpcurl uses it: it answers without a token, lists
 * the scheduler's services, and every method of every service it describes is one the role table
 * ({@link GrpcRoles}) declares, so reflection cannot name a method that was left open by mistake.
 */
@QuarkusTest
class ServerReflectionTest {

    @Inject
    GrpcRoles roles;

    ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", RestAssured.port).usePlaintext().build();
    }

    @AfterEach
    void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** One question on a reflection stream of its own, without credentials; its one answer. */
    private ServerReflectionResponse ask(ServerReflectionRequest request) throws InterruptedException {
        BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
        StreamObserver<ServerReflectionRequest> out = ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        answers.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answers.add(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        out.onNext(request);
        Object answer = answers.poll(20, TimeUnit.SECONDS);
        out.onCompleted();
        assertThat(answer).as("an answer to " + request).isInstanceOf(ServerReflectionResponse.class);
        return (ServerReflectionResponse) answer;
    }

    @Test
    void reflectionListsTheServicesWithoutAToken() throws InterruptedException {
        ServerReflectionResponse r = ask(ServerReflectionRequest.newBuilder().setListServices("").build());
        assertThat(r.getListServicesResponse().getServiceList()).extracting(ServiceResponse::getName)
                .contains("migplan.v1.InventoryService", "migplan.v1.PlacementService", "migplan.v1.PlanService",
                        "migplan.v1.CampaignService", "grpc.health.v1.Health");
    }

    @Test
    void everyMethodReflectionDescribesIsDeclaredInTheRoleTable() throws Exception {
        List<String> described = new ArrayList<>();
        for (ServiceResponse service : ask(ServerReflectionRequest.newBuilder().setListServices("").build())
                .getListServicesResponse().getServiceList()) {
            ServerReflectionResponse files = ask(ServerReflectionRequest.newBuilder()
                    .setFileContainingSymbol(service.getName()).build());
            for (ByteString bytes : files.getFileDescriptorResponse().getFileDescriptorProtoList()) {
                described.addAll(methods(FileDescriptorProto.parseFrom(bytes), service.getName()));
            }
        }
        assertThat(described).contains("migplan.v1.CampaignService/AbortCampaign", "grpc.health.v1.Health/Check");
        Map<String, GrpcRoles.Declared> declared = roles.all();
        assertThat(described).allSatisfy(m -> assertThat(declared.get(m)).as(m).isNotNull()
                .satisfies(d -> assertThat(d.access()).as(m).isPresent()));
        // Reflection does not list itself; it is served, and open, all the same.
        assertThat(declared.get("grpc.reflection.v1.ServerReflection/ServerReflectionInfo").access())
                .contains(GrpcRoles.OPEN_REFLECTION);
    }

    private static List<String> methods(FileDescriptorProto file, String service) throws InvalidProtocolBufferException {
        List<String> out = new ArrayList<>();
        for (ServiceDescriptorProto s : file.getServiceList()) {
            String full = file.getPackage().isEmpty() ? s.getName() : file.getPackage() + "." + s.getName();
            if (full.equals(service)) {
                s.getMethodList().forEach(m -> out.add(full + "/" + m.getName()));
            }
        }
        return out;
    }
}
