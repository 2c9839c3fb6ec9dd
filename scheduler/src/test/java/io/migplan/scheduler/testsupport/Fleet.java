package io.migplan.scheduler.testsupport;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.instance;
import static io.migplan.scheduler.testsupport.Snapshots.parent;
import static io.migplan.scheduler.testsupport.Snapshots.report;
import static io.migplan.scheduler.testsupport.Snapshots.type;
import static io.migplan.scheduler.testsupport.Snapshots.vm;

import io.agroal.api.AgroalDataSource;
import io.migplan.proto.v1.Host;
import io.migplan.proto.v1.HostSnapshot;
import java.io.IOException;

/**
 * A small fleet reported over gRPC, one host per way of being rejected. The VM to move is
 * {@code vm-1} on {@code src}: 4 vCPUs, 8 GiB, one nvidia-231 mdev with signature {@link #SIG}.
 *
 * <pre>
 * good-a    UP, 0 load, nvidia-231 free 4 on 0000:3b:00.0 and 8 on 0000:d8:00.0, agent agrees   -> candidate
 * good-b    UP, half loaded, nvidia-231 free 2, agent agrees                                    -> candidate
 * stale     heartbeat 1 h old, state STALE                                                     -> HOST_STALE
 * down      state DOWN                                                                         -> HOST_DOWN
 * no-type   only nvidia-222                                                                     -> NO_DEVICE_TYPE
 * full      nvidia-231 free 0                                                                   -> NO_FREE_INSTANCE
 * small     2 CPUs, 4 GiB, nvidia-231 free 0                                                    -> INSUFFICIENT_CPU, _MEMORY, NO_FREE_INSTANCE
 * mismatch  agent holds another signature for nvidia-231                                        -> PROBE_INCOMPATIBLE
 * dead      agent endpoint nobody listens on                                                    -> PROBE_UNKNOWN
 * </pre>
 */
public final class Fleet implements AutoCloseable {

    public static final String SIG = "nvidia-231/T4/550.90.07";
    public static final String OTHER_SIG = "nvidia-231/T4/535.54.03";
    public static final String VM_UUID = "5d3c8e10-0000-4000-8000-000000000001";
    public static final String MDEV = "9e6a0c3e-3f7a-4c1b-9a4e-4d2f5a1b0001";
    public static final String SRC_PARENT = "0000:3b:00.0";

    public final FakeAgent agreeing;
    public final FakeAgent disagreeing;
    /** The agent of hosts the cheap filters reject: it must never be asked. */
    public final FakeAgent neverAsked;
    public final String deadEndpoint;
    private SchedulerGrpc grpc;

    public Fleet() throws IOException {
        agreeing = new FakeAgent().signature("nvidia-231", SIG);
        disagreeing = new FakeAgent().signature("nvidia-231", OTHER_SIG);
        neverAsked = new FakeAgent().signature("nvidia-231", SIG);
        deadEndpoint = FakeAgent.deadEndpoint();
    }

    /** Reports every host of the table above. */
    public Fleet reportTo(SchedulerGrpc grpc, AgroalDataSource ds) {
        var inv = grpc.inventory();
        inv.reportInventory(report(host("src", 1, agreeing.endpoint())
                .addParents(parent(SRC_PARENT, type("nvidia-231", 5, SIG)))
                .addInstances(instance(MDEV, "nvidia-231", SRC_PARENT))
                .addVms(vm("vm-1", VM_UUID, 4, 8192, MDEV))
                .addVms(vm("vm-plain", "5d3c8e10-0000-4000-8000-000000000002", 2, 2048))));
        this.grpc = grpc;
        inv.reportInventory(report(goodA(1, SIG)));
        inv.reportInventory(report(host("good-b", 1, agreeing.endpoint())
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 2, SIG)))
                .addVms(vm("busy", "5d3c8e10-0000-4000-8000-000000000003", 16, 65536))));
        inv.reportInventory(report(host("stale", 1, neverAsked.endpoint())
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 8, SIG)))));
        inv.reportInventory(report(host("down", 1, neverAsked.endpoint())
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 8, SIG)))));
        inv.reportInventory(report(host("no-type", 1, neverAsked.endpoint())
                .addParents(parent("0000:3b:00.0", type("nvidia-222", 16, "nvidia-222/T4/550.90.07")))));
        inv.reportInventory(report(host("full", 1, neverAsked.endpoint())
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 0, SIG)))));
        inv.reportInventory(report(host("small", 1, neverAsked.endpoint())
                .setHost(Host.newBuilder().setId("small").setCpus(2).setMemoryMib(4096)
                        .setAgentEndpoint(neverAsked.endpoint()))
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 0, SIG)))));
        inv.reportInventory(report(host("mismatch", 1, disagreeing.endpoint())
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 8, OTHER_SIG)))));
        inv.reportInventory(report(host("dead", 1, deadEndpoint)
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 8, SIG)))));
        Inventory.update(ds, "update host set state = 'STALE', last_heartbeat_at = now() - interval '1 hour'"
                + " where id = 'stale'");
        Inventory.update(ds, "update host set state = 'DOWN', last_heartbeat_at = now() - interval '3 hours'"
                + " where id = 'down'");
        return this;
    }

    private HostSnapshot.Builder goodA(long generation, String signature) {
        return host("good-a", generation, agreeing.endpoint())
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 4, signature)))
                .addParents(parent("0000:d8:00.0", type("nvidia-231", 8, signature)));
    }

    /**
     * Reports {@code good-a} again at a newer generation, its nvidia-231 types now with {@code signature}
     * (what a re-scan after a driver change reports).
     */
    public void reportAgain(String hostId, long generation, String signature) {
        if (!hostId.equals("good-a")) {
            throw new IllegalArgumentException("only good-a can be reported again, not " + hostId);
        }
        grpc.inventory().reportInventory(report(goodA(generation, signature)));
    }

    @Override
    public void close() throws InterruptedException {
        agreeing.close();
        disagreeing.close();
        neverAsked.close();
    }
}
