package io.migplan.scheduler.testsupport;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.instance;
import static io.migplan.scheduler.testsupport.Snapshots.parent;
import static io.migplan.scheduler.testsupport.Snapshots.report;
import static io.migplan.scheduler.testsupport.Snapshots.type;
import static io.migplan.scheduler.testsupport.Snapshots.vm;

import java.io.IOException;

/**
 * The fleet the evacuation-plan tests empty, reported over gRPC, with one agent answering
 * every probe (compatible iff the signatures match):
 *
 * <pre>
 * src    3 VMs vm-1..3, each 4 vCPUs, 8 GiB, one nvidia-231 (T4-2Q)
 * t4-a   nvidia-231 free 2      -> room for two of them
 * t4-b   nvidia-231 free 8
 * v100   only nvidia-106        -> never a target for them
 * </pre>
 */
public final class EvacuationFleet implements AutoCloseable {

    public static final String SIG = "nvidia-231/T4/nvidia-550.90.07";

    public final FakeAgent agent;

    private EvacuationFleet(FakeAgent agent) {
        this.agent = agent;
    }

    public static EvacuationFleet reportTo(SchedulerGrpc grpc) throws IOException {
        FakeAgent agent = new FakeAgent().signature("nvidia-231", SIG);
        var inv = new Reporting(grpc, agent);
        inv.reportInventory(report(host("src", 1, agent.endpoint())
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 5, SIG)))
                .addInstances(instance(mdev(1), "nvidia-231", "0000:3b:00.0"))
                .addInstances(instance(mdev(2), "nvidia-231", "0000:3b:00.0"))
                .addInstances(instance(mdev(3), "nvidia-231", "0000:3b:00.0"))
                .addVms(vm("vm-1", vmUuid(1), 4, 8192, mdev(1)))
                .addVms(vm("vm-2", vmUuid(2), 4, 8192, mdev(2)))
                .addVms(vm("vm-3", vmUuid(3), 4, 8192, mdev(3)))));
        inv.reportInventory(report(host("t4-a", 1, agent.endpoint())
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 2, SIG)))));
        inv.reportInventory(report(host("t4-b", 1, agent.endpoint())
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 8, SIG)))));
        inv.reportInventory(report(host("v100", 1, agent.endpoint())
                .addParents(parent("0000:3b:00.0", type("nvidia-106", 8, "nvidia-106/V100/nvidia-550.90.07")))));
        return new EvacuationFleet(agent);
    }

    /** Reports a snapshot, and makes the fake agent find the same when the host is scanned again. */
    public record Reporting(SchedulerGrpc grpc, FakeAgent agent) {
        public io.migplan.proto.v1.ReportInventoryResponse reportInventory(
                io.migplan.proto.v1.ReportInventoryRequest request) {
            agent.holds(request.getSnapshot());
            return grpc.inventory().reportInventory(request);
        }
    }

    /** Reports {@code request} as this fleet's agent would (its scans then find the same). */
    public io.migplan.proto.v1.ReportInventoryResponse send(SchedulerGrpc grpc,
            io.migplan.proto.v1.ReportInventoryRequest request) {
        return new Reporting(grpc, agent).reportInventory(request);
    }

    static String mdev(int n) {
        return "9e6a0c3e-3f7a-4c1b-9a4e-4d2f5a1b000" + n;
    }

    static String vmUuid(int n) {
        return "5d3c8e10-0000-4000-8000-00000000000" + n;
    }

    @Override
    public void close() throws InterruptedException {
        agent.close();
    }
}
