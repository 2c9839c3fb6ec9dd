package io.migplan.scheduler.api.grpc;

import com.google.common.util.concurrent.ListenableFuture;
import io.migplan.proto.v1.HeartbeatResponse;
import io.migplan.scheduler.inventory.Heartbeats;
import io.migplan.scheduler.inventory.InventoryStore;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.snapshot.ClusterSnapshotHolder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.instance;
import static io.migplan.scheduler.testsupport.Snapshots.parent;
import static io.migplan.scheduler.testsupport.Snapshots.report;
import static io.migplan.scheduler.testsupport.Snapshots.type;
import static io.migplan.scheduler.testsupport.Snapshots.vm;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.agroal.api.AgroalDataSource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.migplan.proto.v1.HeartbeatRequest;
import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.proto.v1.ParentKind;
import io.migplan.proto.v1.Problem;
import io.migplan.proto.v1.TypeDemand;
import io.migplan.proto.v1.ReportInventoryRequest;
import io.migplan.proto.v1.ReportInventoryResponse;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** InventoryService over a real gRPC channel to the running test application. */
@QuarkusTest
class InventoryGrpcServiceTest {

    static final String T4_SIG = "nvidia-231/T4/550.90.07";
    static final String UUID_1 = "9e6a0c3e-3f7a-4c1b-9a4e-4d2f5a1b0001";
    static final String UUID_2 = "9e6a0c3e-3f7a-4c1b-9a4e-4d2f5a1b0002";

    @Inject
    AgroalDataSource ds;
    @Inject
    Heartbeats heartbeats;
    @Inject
    ClusterSnapshotHolder snapshots;
    @Inject
    InventoryStore store;

    SchedulerGrpc grpc;

    @BeforeEach
    void setUp() {
        Inventory.clear(ds);
        grpc = new SchedulerGrpc();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        grpc.close();
    }

    static ReportInventoryRequest gpuHost(String id, long generation, int available) {
        return report(host(id, generation, "127.0.0.1:9400")
                .addParents(parent("0000:3b:00.0", type("nvidia-231", available, T4_SIG)))
                .addInstances(instance(UUID_1, "nvidia-231", "0000:3b:00.0"))
                .addVms(vm("vm-a", "5d3c8e10-0000-4000-8000-00000000000a", 4, 8192, UUID_1))
                .addProblems(Problem.newBuilder().setPath("/sys/class/mdev_bus/0000:d8:00.0")
                        .setMessage("mdev_supported_types is unreadable")));
    }

    @Test
    void aReportedSnapshotIsShownByTheRestApi() {
        ReportInventoryResponse r = grpc.inventory().reportInventory(gpuHost("h1", 5, 6));

        assertThat(r.getApplied()).isTrue();
        assertThat(r.getStoredGeneration()).isEqualTo(5);
        given().get("/api/v1/hosts/h1").then().statusCode(200)
                .body("id", equalTo("h1"))
                .body("state", equalTo("UP"))
                .body("generation", equalTo(5))
                .body("cpus", equalTo(32))
                .body("labels.pool", equalTo("gpu-a"))
                .body("parents", hasSize(1))
                .body("parents[0].address", equalTo("0000:3b:00.0"))
                .body("parents[0].types[0].typeId", equalTo("nvidia-231"))
                .body("parents[0].types[0].availableInstances", equalTo(6))
                .body("parents[0].types[0].signature", equalTo(T4_SIG))
                .body("instances[0].uuid", equalTo(UUID_1))
                .body("vms[0].name", equalTo("vm-a"))
                .body("vms[0].devices[0].typeId", equalTo("nvidia-231"))
                .body("problems[0].message", equalTo("mdev_supported_types is unreadable"));
        given().get("/api/v1/hosts").then().statusCode(200)
                .body("[0].id", equalTo("h1"))
                .body("[0].vmCount", equalTo(1))
                .body("[0].deviceCount", equalTo(1));
    }

    @Test
    void capacityModelAttributesAndSriovGroupingAreStoredAndServed() {
        var vf = parent("0000:59:00.4", type("nvidia-231", 1, T4_SIG).toBuilder()
                .putAttributes("framebuffer_mib", "2048").putAttributes("max_instance", "8")
                .putRaw("description", "num_heads=4, framebuffer=2048M, max_instance=8\n").build())
                .toBuilder().setPhysicalFunction("0000:59:00.0").setKind(ParentKind.PARENT_KIND_MDEV)
                .setCapacity(Capacity.newBuilder().setRule(CapacityRule.CAPACITY_RULE_ONE_PER_VF)
                        .setGroup("0000:59:00.0").setUsedInstances(0)
                        .putDemand("nvidia-231", TypeDemand.newBuilder().setMaxInstances(8)
                                .putResources("framebuffer_mib", 2048).build()))
                .build();
        grpc.inventory().reportInventory(report(host("h-sriov", 1, "127.0.0.1:9400").addParents(vf)));

        given().get("/api/v1/hosts/h-sriov").then().statusCode(200)
                .body("parents[0].physicalFunction", equalTo("0000:59:00.0"))
                .body("parents[0].kind", equalTo("MDEV"))
                .body("parents[0].capacity.rule", equalTo("CAPACITY_RULE_ONE_PER_VF"))
                .body("parents[0].capacity.group", equalTo("0000:59:00.0"))
                .body("parents[0].capacity.demand.'nvidia-231'.maxInstances", equalTo(8))
                .body("parents[0].capacity.demand.'nvidia-231'.resources.framebuffer_mib", equalTo("2048"))
                .body("parents[0].types[0].attributes.framebuffer_mib", equalTo("2048"))
                .body("parents[0].types[0].raw.description", equalTo("num_heads=4, framebuffer=2048M, max_instance=8\n"));
    }

    @Test
    void aNewerReportReplacesTheWholeSnapshot() {
        grpc.inventory().reportInventory(gpuHost("h1", 5, 6));

        grpc.inventory().reportInventory(report(host("h1", 6, "127.0.0.1:9400")
                .addParents(parent("0000:d8:00.0", type("nvidia-222", 16, "x")))));

        given().get("/api/v1/hosts/h1").then().statusCode(200)
                .body("generation", equalTo(6))
                .body("parents", hasSize(1))
                .body("parents[0].address", equalTo("0000:d8:00.0"))
                .body("instances", hasSize(0))
                .body("vms", hasSize(0))
                .body("problems", hasSize(0));
        assertThat(Inventory.count(ds, "vm_device")).isZero();
    }

    @Test
    void anOlderOrEqualGenerationIsIgnored() {
        grpc.inventory().reportInventory(gpuHost("h1", 5, 6));
        long rows = Inventory.rows(ds);

        ReportInventoryResponse older = grpc.inventory().reportInventory(gpuHost("h1", 4, 0));
        ReportInventoryResponse equal = grpc.inventory().reportInventory(gpuHost("h1", 5, 0));

        assertThat(older.getApplied()).isFalse();
        assertThat(older.getStoredGeneration()).isEqualTo(5);
        assertThat(older.getMessage()).contains("not newer");
        assertThat(equal.getApplied()).isFalse();
        assertThat(Inventory.rows(ds)).isEqualTo(rows);
        given().get("/api/v1/hosts/h1").then().statusCode(200)
                .body("generation", equalTo(5))
                .body("parents[0].types[0].availableInstances", equalTo(6));
    }

    /** {@link #gpuHost} (32 CPUs, 128 GiB, one 4-vCPU 8 GiB VM) with the host's facts changed. */
    static ReportInventoryRequest gpuHost(String id, long generation,
            java.util.function.UnaryOperator<io.migplan.proto.v1.Host.Builder> facts) {
        ReportInventoryRequest r = gpuHost(id, generation, 6);
        return r.toBuilder().setSnapshot(r.getSnapshot().toBuilder()
                .setHost(facts.apply(r.getSnapshot().getHost().toBuilder()))).build();
    }

    @Test
    void ratiosAndReservationsTheAgentReportsAreStoredAndShownWithWhatTheyAllow() {
        grpc.inventory().reportInventory(gpuHost("h1", 5, h -> h.setCpuAllocationRatio(1.5).setReservedCpus(4)
                .setMemoryAllocationRatio(1.0).setReservedMemoryMib(8192)));

        // floor((32 - 4) x 1.5) = 42 vCPUs, 4 in use; (131072 - 8192) x 1.0 MiB, 8192 in use.
        given().get("/api/v1/hosts/h1").then().statusCode(200)
                .body("cpus", equalTo(32))
                .body("allocation.cpuRatio", equalTo(1.5f))
                .body("allocation.reservedCpus", equalTo(4))
                .body("allocation.allocatableCpus", equalTo(42))
                .body("allocation.usedCpus", equalTo(4))
                .body("allocation.freeCpus", equalTo(38))
                .body("allocation.allocatableMemoryMib", equalTo(122880))
                .body("allocation.freeMemoryMib", equalTo(114688))
                .body("allocation.from.cpuRatio", equalTo("agent"))
                .body("allocation.from.reservedMemoryMib", equalTo("agent"))
                .body("allocation.reported.cpuRatio", equalTo(1.5f));
    }

    @Test
    void anAgentThatSendsNoRatiosMeansOneToOneAndNothingReserved() {
        grpc.inventory().reportInventory(gpuHost("h1", 5, 6));

        given().get("/api/v1/hosts/h1").then().statusCode(200)
                .body("allocation.cpuRatio", equalTo(1.0f))
                .body("allocation.memoryRatio", equalTo(1.0f))
                .body("allocation.reservedCpus", equalTo(0))
                .body("allocation.allocatableCpus", equalTo(32))
                .body("allocation.freeCpus", equalTo(28))
                .body("allocation.from.cpuRatio", equalTo("default"))
                .body("allocation.reported.cpuRatio", equalTo(null));
    }

    @Test
    void aCentralRuleForALabelTheHostCarriesOverridesTheAgent() {
        // %test.migplan.allocation.rules[0]: pool=gpu-central -> cpu-ratio 4.0 (application.properties).
        grpc.inventory().reportInventory(gpuHost("h1", 5, h -> h.clearLabels().putLabels("pool", "gpu-central")
                .setCpuAllocationRatio(2.0).setMemoryAllocationRatio(1.25)));

        given().get("/api/v1/hosts/h1").then().statusCode(200)
                .body("allocation.cpuRatio", equalTo(4.0f))
                .body("allocation.allocatableCpus", equalTo(128))
                .body("allocation.from.cpuRatio", equalTo("rule pool=gpu-central"))
                .body("allocation.memoryRatio", equalTo(1.25f))
                .body("allocation.from.memoryRatio", equalTo("agent"));
    }

    @Test
    void aRatioOutOfBoundsIsRefusedNamingTheFieldAndNothingIsWritten() {
        assertThatThrownBy(() -> grpc.inventory().reportInventory(gpuHost("h1", 5, h -> h.setCpuAllocationRatio(0))))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription())
                            .contains("snapshot.host.cpu_allocation_ratio 0.0 is not between 0.1 and 64.0");
                });
        assertThatThrownBy(() -> grpc.inventory().reportInventory(gpuHost("h1", 5, h -> h.setReservedCpus(33))))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription())
                            .contains("snapshot.host.reserved_cpus 33 is not between 0 and the host's 32 cpus");
                });
        assertThat(Inventory.rows(ds)).isZero();
    }

    @Test
    void anEmptyHostIdIsRejectedAndNothingIsWritten() {
        assertThatThrownBy(() -> grpc.inventory().reportInventory(gpuHost("", 1, 6)))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("snapshot.host.id is empty");
                });
        assertThat(Inventory.rows(ds)).isZero();
    }

    @Test
    void aMissingSnapshotIsRejected() {
        assertThatThrownBy(() -> grpc.inventory().reportInventory(ReportInventoryRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("snapshot is missing");
                });
    }

    @Test
    void aRejectedReportLeavesThePreviousSnapshotUntouched() {
        grpc.inventory().reportInventory(gpuHost("h1", 5, 6));
        long rows = Inventory.rows(ds);
        // Newer, but two VMs claim the same UUID: the whole report must be refused.
        var broken = report(host("h1", 9, "127.0.0.1:9400")
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 2, T4_SIG)))
                .addVms(vm("vm-x", "11111111-0000-4000-8000-000000000001", 1, 1024))
                .addVms(vm("vm-y", "11111111-0000-4000-8000-000000000001", 1, 1024, UUID_2)));

        assertThatThrownBy(() -> grpc.inventory().reportInventory(broken))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("snapshot.vms[1].uuid");
                });
        assertThat(Inventory.rows(ds)).isEqualTo(rows);
        given().get("/api/v1/hosts/h1").then().statusCode(200)
                .body("generation", equalTo(5))
                .body("vms[0].name", equalTo("vm-a"))
                .body("parents[0].types[0].availableInstances", equalTo(6));
    }

    @Test
    void aHeartbeatAsksForAReportWhenTheHostOrItsGenerationIsUnknown() {
        var unknown = grpc.inventory().heartbeat(HeartbeatRequest.newBuilder().setHostId("h9").setGeneration(1).build());
        grpc.inventory().reportInventory(gpuHost("h1", 5, 6));
        var same = grpc.inventory().heartbeat(HeartbeatRequest.newBuilder().setHostId("h1").setGeneration(5).build());
        var other = grpc.inventory().heartbeat(HeartbeatRequest.newBuilder().setHostId("h1").setGeneration(7).build());

        assertThat(unknown.getResendInventory()).isTrue();
        assertThat(same.getResendInventory()).isFalse();
        assertThat(other.getResendInventory()).isTrue();
        assertThat(Inventory.count(ds, "host")).as("a heartbeat never creates a host").isEqualTo(1);
    }

    @Test
    void heartbeatsArrivingTogetherAreWrittenTogetherAndEachGetsItsOwnAnswer() throws Exception {
        for (int h = 0; h < 20; h++) {
            grpc.inventory().reportInventory(gpuHost("h" + h, 5, 6));
        }
        long writesBefore = heartbeats.writes();
        List<ListenableFuture<HeartbeatResponse>> answers = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            // Every third beat vouches for a generation the scheduler does not hold.
            answers.add(grpc.inventoryFutures().heartbeat(HeartbeatRequest.newBuilder().setHostId("h" + (i % 20))
                    .setGeneration(i % 3 == 0 ? 7 : 5).build()));
        }
        for (int i = 0; i < 400; i++) {
            assertThat(answers.get(i).get(20, TimeUnit.SECONDS).getResendInventory()).as("beat %d", i)
                    .isEqualTo(i % 3 == 0);
        }
        assertThat(heartbeats.writes() - writesBefore).as("transactions for 400 beats sent at once").isLessThan(400);
    }

    @Test
    void staleHostsBeatingTogetherAreUpInTheSnapshotWhenTheirBeatsAreAnswered() throws Exception {
        for (int h = 0; h < 20; h++) {
            grpc.inventory().reportInventory(gpuHost("h" + h, 5, 6));
        }
        Inventory.update(ds, "update host set state = 'STALE', last_heartbeat_at = now() - interval '1 hour'");
        snapshots.reconcile();
        assertThat(snapshots.current().host("h7").orElseThrow().view().state()).isEqualTo(HostState.STALE);

        List<ListenableFuture<HeartbeatResponse>> answers = new ArrayList<>();
        for (int h = 0; h < 20; h++) {
            answers.add(grpc.inventoryFutures().heartbeat(HeartbeatRequest.newBuilder().setHostId("h" + h)
                    .setGeneration(5).build()));
        }
        for (ListenableFuture<HeartbeatResponse> a : answers) {
            assertThat(a.get(20, TimeUnit.SECONDS).getResendInventory()).isFalse();
        }
        for (int h = 0; h < 20; h++) {
            assertThat(snapshots.current().host("h" + h).orElseThrow().view().state()).as("h" + h)
                    .isEqualTo(HostState.UP);
        }
    }

    /**
     * A report holds its host's row for its whole transaction. A heartbeat of that host must not
     * hold up the other hosts' beats written with it: it is skipped and tried again, and answered
     * once the report is done (here with "report again": the report moved the host past the
     * generation the beat vouches for).
     */
    @Test
    void aReportInProgressHoldsUpOnlyItsOwnHostsHeartbeat() throws Exception {
        grpc.inventory().reportInventory(gpuHost("h1", 5, 6));
        grpc.inventory().reportInventory(gpuHost("h2", 5, 6));
        CountDownLatch reporting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> report = pool.submit(() -> QuarkusTransaction.requiringNew().run(() -> {
                store.report(gpuHost("h1", 6, 5), Instant.now());
                reporting.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertThat(reporting.await(20, TimeUnit.SECONDS)).isTrue();

            ListenableFuture<HeartbeatResponse> held = grpc.inventoryFutures().heartbeat(
                    HeartbeatRequest.newBuilder().setHostId("h1").setGeneration(5).build());
            ListenableFuture<HeartbeatResponse> free = grpc.inventoryFutures().heartbeat(
                    HeartbeatRequest.newBuilder().setHostId("h2").setGeneration(5).build());

            assertThat(free.get(15, TimeUnit.SECONDS).getResendInventory()).isFalse();
            assertThat(held).isNotDone();
            release.countDown();
            report.get(20, TimeUnit.SECONDS);
            assertThat(held.get(20, TimeUnit.SECONDS).getResendInventory()).isTrue();
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aHeartbeatBringsAStaleHostBackUp() {
        grpc.inventory().reportInventory(gpuHost("h1", 5, 6));
        Inventory.update(ds, "update host set state = 'STALE', last_heartbeat_at = now() - interval '1 hour'");

        grpc.inventory().heartbeat(HeartbeatRequest.newBuilder().setHostId("h1").setGeneration(5).build());

        given().get("/api/v1/hosts/h1").then().statusCode(200).body("state", equalTo("UP"));
    }

    @Test
    void aHeartbeatWithoutHostIdIsRejected() {
        assertThatThrownBy(() -> grpc.inventory().heartbeat(HeartbeatRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }

    @Test
    void aHeartbeatForAGenerationTheSchedulerDoesNotHoldKeepsNothingAlive() {
        grpc.inventory().reportInventory(gpuHost("h1", 5, 6));
        Inventory.update(ds, "update host set state = 'STALE', last_heartbeat_at = timestamp '2020-01-01 00:00:00'");

        var answer = grpc.inventory().heartbeat(HeartbeatRequest.newBuilder().setHostId("h1").setGeneration(7).build());

        assertThat(answer.getResendInventory()).isTrue();
        given().get("/api/v1/hosts/h1").then().statusCode(200).body("state", equalTo("STALE"));
        assertThat(Inventory.count(ds, "host where last_heartbeat_at = timestamp '2020-01-01 00:00:00'"))
                .as("the heartbeat vouched for a report the scheduler does not hold").isEqualTo(1);
    }

    @Test
    void aReportWhoseGenerationWouldFreezeTheHostIsRefusedAndNothingIsStored() {
        grpc.inventory().reportInventory(gpuHost("h1", 5, 6));

        assertThatThrownBy(() -> grpc.inventory().reportInventory(gpuHost("h1", Long.MAX_VALUE, 2)))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("snapshot.generation 9223372036854775807"
                            + " is more than 24 h ahead of the scheduler's clock");
                });
        given().get("/api/v1/hosts/h1").then().statusCode(200).body("generation", equalTo(5))
                .body("parents[0].types[0].availableInstances", equalTo(6));
    }

    @Test
    void aReportWithANulInAVmNameIsRefusedNamingTheField() {
        var bad = report(host("h2", 1, "127.0.0.1:9400").addVms(vm("a\u0000b", "5d3c8e10-0000-4000-8000-0000000000b1",
                1, 1)));

        assertThatThrownBy(() -> grpc.inventory().reportInventory(bad))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getDescription())
                        .isEqualTo("snapshot.vms[0].name contains a control character (U+0000) at 1"));
        assertThat(Inventory.count(ds, "host")).isZero();
    }

    @Test
    void aNulInAHostIdOfTheRestPathIsABadRequestNotAnInternalError() {
        given().urlEncodingEnabled(false).get("/api/v1/hosts/a%00b").then().statusCode(400)
                .body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", equalTo("id contains a control character (U+0000) at 1, got 'a\\u0000b'"));
    }

    @Test
    void aReportOfSeveralMegabytesFromALargeHostIsTaken() {
        // 8 GPUs x 32 VFs, each VF offering 40 types (Q, B and A profiles) with their descriptions and attribute files.
        var snapshot = host("big", 1, "127.0.0.1:9400");
        for (int gpu = 0; gpu < 8; gpu++) {
            for (int vf = 0; vf < 32; vf++) {
                var parent = parent(String.format("0000:%02x:%02x.%d", 0x3b + gpu, vf / 8, vf % 8));
                var b = parent.toBuilder().setBoard("L40S").setDriver("nvidia").setDriverVersion("550.90.07")
                        .setPhysicalFunction(String.format("0000:%02x:00.0", 0x3b + gpu));
                for (int t = 0; t < 40; t++) {
                    String id = "nvidia-" + (1100 + t);
                    b.addTypes(type(id, 1, id + "/L40S/550.90.07").toBuilder()
                            .setName("NVIDIA L40S-" + (t + 1) + "Q")
                            .setDescription("num_heads=4, frl_config=60, framebuffer=" + (t + 1) * 1024
                                    + "M, max_resolution=7680x4320, max_instance=" + (48 / (t + 1)))
                            .putAttributes("framebuffer_mib", Integer.toString((t + 1) * 1024))
                            .putAttributes("max_instance", Integer.toString(48 / (t + 1)))
                            .putAttributes("num_heads", "4")
                            .putAttributes("max_resolution", "7680x4320")
                            .putRaw("device_api", "vfio-pci\n")
                            .putRaw("available_instances", "1\n")
                            .putRaw("name", "NVIDIA L40S-" + (t + 1) + "Q\n")
                            .putRaw("description", "num_heads=4, frl_config=60, framebuffer=" + (t + 1) * 1024
                                    + "M, max_resolution=7680x4320, max_instance=" + (48 / (t + 1)) + "\n"));
                }
                snapshot.addParents(b);
            }
        }
        var request = report(snapshot);
        assertThat(request.getSerializedSize()).as("bytes on the wire").isGreaterThan(4_000_000);

        var answer = grpc.inventory().reportInventory(request);

        assertThat(answer.getApplied()).isTrue();
        assertThat(Inventory.count(ds, "device_type where host = 'big'")).isEqualTo(8 * 32 * 40);
    }
}
