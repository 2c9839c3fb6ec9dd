package io.migplan.scheduler.bench;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.stub.StreamObserver;
import io.migplan.proto.v1.AgentServiceGrpc;
import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.HeartbeatRequest;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.InventoryServiceGrpc;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.ParentKind;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeCompatibilityRequest;
import io.migplan.proto.v1.ProbeCompatibilityResponse;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.proto.v1.ReportInventoryRequest;
import io.migplan.proto.v1.ReportInventoryResponse;
import io.migplan.proto.v1.SignatureSource;
import io.migplan.proto.v1.Verdict;
import io.migplan.proto.v1.Vm;
import io.migplan.scheduler.bench.Boards.VgpuType;
import io.migplan.scheduler.bench.Fleet.Device;
import io.migplan.scheduler.bench.Fleet.Gpu;
import io.migplan.scheduler.bench.Fleet.Host;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.ParentSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A generated {@link Fleet} told to a running scheduler the way its agents would tell it: one
 * inventory report per host over gRPC (every GPU, or every VF of an SR-IOV GPU, with its board's
 * types, free instances, capacity model and derived signatures; every vGPU; every VM), heartbeats
 * every 10 s, and one gRPC server in this process answering every host's compatibility probes
 * (state is accepted where the source signature is of the target's type: signatures are
 * board/type/driver, and each release's driver reads the other's). It stands in for the agents,
 * the system edge; what the scheduler stores, plans and answers is its own.
 */
public final class ReportedFleet implements AutoCloseable {

    private final Fleet fleet;
    private final Server agents;
    private final ManagedChannel channel;
    private final AtomicLong probeCalls = new AtomicLong();
    /** Every host's one report: a database that already holds the fleet is beaten for as it is. */
    private final long generation = 1;
    private ScheduledExecutorService beats;

    private ReportedFleet(Fleet fleet, String scheduler, int agentPort) throws IOException {
        this.fleet = fleet;
        this.agents = ServerBuilder.forPort(agentPort).addService(new Agents()).executor(Executors.newFixedThreadPool(4))
                .build().start();
        this.channel = ManagedChannelBuilder.forTarget(scheduler).usePlaintext().build();
    }

    /** Serves the agents' probes on a free port; nothing is reported yet. */
    public static ReportedFleet of(Fleet fleet, String schedulerHostPort) throws IOException {
        return new ReportedFleet(fleet, schedulerHostPort, 0);
    }

    /** The same on {@code agentPort}, the endpoint a fleet reported earlier names. */
    public static ReportedFleet of(Fleet fleet, String schedulerHostPort, int agentPort) throws IOException {
        return new ReportedFleet(fleet, schedulerHostPort, agentPort);
    }

    /** Every host's report, eight at a time; returns once each was applied. */
    public void report() throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            var stub = InventoryServiceGrpc.newBlockingStub(channel);
            List<Future<ReportInventoryResponse>> sent = new ArrayList<>();
            for (Host h : fleet.hosts()) {
                sent.add(pool.submit(() -> stub.withDeadlineAfter(60, TimeUnit.SECONDS).reportInventory(
                        ReportInventoryRequest.newBuilder().setSnapshot(snapshot(fleet, h, generation, agents.getPort()))
                                .build())));
            }
            for (Future<ReportInventoryResponse> f : sent) {
                ReportInventoryResponse r = f.get();
                if (!r.getApplied()) {
                    throw new IllegalStateException("a report was not applied: " + r.getMessage());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@link #report}, then prints {@code reported_s}: how long the reports took to be applied. */
    public void reportTimed() throws InterruptedException, ExecutionException {
        long t0 = System.nanoTime();
        report();
        FleetBench.print("reported_s", (System.nanoTime() - t0) / 1e9);
    }

    /** Every host beats now and every 10 s after, as agents do, until {@link #close}. */
    public void heartbeats() {
        var stub = InventoryServiceGrpc.newFutureStub(channel);
        beats = Executors.newSingleThreadScheduledExecutor();
        beats.scheduleAtFixedRate(() -> fleet.hosts().forEach(h -> stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                        .heartbeat(HeartbeatRequest.newBuilder().setHostId(h.id()).setGeneration(generation).build())),
                0, 10, TimeUnit.SECONDS);
    }

    /** How many probe calls the agents have answered. */
    public long probeCalls() {
        return probeCalls.get();
    }

    @Override
    public void close() {
        if (beats != null) {
            beats.shutdownNow();
        }
        channel.shutdownNow();
        agents.shutdownNow();
    }

    /** The host as its agent would report it. */
    static HostSnapshot snapshot(Fleet fleet, Host h, long generation, int agentPort) {
        String driver = FleetSnapshot.DRIVER_BY_RELEASE.get(h.release());
        HostSnapshot.Builder s = HostSnapshot.newBuilder().setGeneration(generation)
                .setScannedAtUnixMs(System.currentTimeMillis())
                .setHost(io.migplan.proto.v1.Host.newBuilder().setId(h.id()).setRelease(h.release()).setCpus(h.cpus())
                        .setMemoryMib(h.memoryMib()).setFailureDomain(h.failureDomain())
                        .setAgentEndpoint("127.0.0.1:" + agentPort));
        for (Gpu g : h.gpus()) {
            for (ParentSpec p : g.parents()) {
                ParentDevice.Builder parent = ParentDevice.newBuilder().setAddress(p.address()).setVendorId("0x10de")
                        .setBoard(h.board().name()).setDriver("nvidia").setDriverVersion(driver)
                        .setKind(g.vfs().isEmpty() ? ParentKind.PARENT_KIND_MDEV : ParentKind.PARENT_KIND_NVIDIA_VGPU)
                        .setPhysicalFunction(g.vfs().isEmpty() ? "" : g.address()).setCapacity(p.capacity());
                for (VgpuType t : h.board().types()) {
                    parent.addTypes(DeviceType.newBuilder().setTypeId(t.typeId())
                            .setName("GRID " + h.board().name() + "-" + t.framebufferMib() / 1024 + "Q")
                            .setDeviceApi("vfio-pci").setAvailableInstances(p.available().get(t.typeId()))
                            .setSignature(FleetSnapshot.signature(h.board(), t.typeId(), h.release()))
                            .setSignatureSource(SignatureSource.SIGNATURE_SOURCE_DERIVED));
                }
                s.addParents(parent);
            }
        }
        for (Fleet.Vm vm : fleet.vmsOn(h.id())) {
            Vm.Builder v = Vm.newBuilder().setName(vm.name()).setUuid(uuid(vm.name(), "vm")).setVcpus(vm.vcpus())
                    .setMemoryMib(vm.memoryMib()).setAntiAffinityGroup(vm.antiAffinityGroup());
            for (int i = 0; i < vm.devices().size(); i++) {
                Device d = vm.devices().get(i);
                String mdev = uuid(vm.name(), "mdev-" + i);
                s.addInstances(DeviceInstance.newBuilder().setUuid(mdev).setTypeId(d.typeId())
                        .setParentAddress(d.parent()));
                v.addDeviceUuids(mdev);
            }
            s.addVms(v);
        }
        return s.build();
    }

    private static String uuid(String name, String what) {
        return UUID.nameUUIDFromBytes((name + "/" + what).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Every host's agent, as far as probes go. */
    private final class Agents extends AgentServiceGrpc.AgentServiceImplBase {
        @Override
        public void probeCompatibility(ProbeCompatibilityRequest request,
                StreamObserver<ProbeCompatibilityResponse> out) {
            probeCalls.incrementAndGet();
            ProbeCompatibilityResponse.Builder answer = ProbeCompatibilityResponse.newBuilder();
            for (ProbeQuestion q : request.getQuestionsList()) {
                boolean same = q.getSourceSignature().contains("/" + q.getTargetTypeId() + "/");
                answer.addAnswers(ProbeAnswer.newBuilder().setId(q.getId())
                        .setVerdict(same ? Verdict.VERDICT_COMPATIBLE : Verdict.VERDICT_INCOMPATIBLE)
                        .setCode(same ? "SIGNATURE_MATCH" : "SIGNATURE_MISMATCH").setBackend("bench"));
            }
            out.onNext(answer.build());
            out.onCompleted();
        }
    }
}
