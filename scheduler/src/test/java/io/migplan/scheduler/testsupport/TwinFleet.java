package io.migplan.scheduler.testsupport;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.instance;
import static io.migplan.scheduler.testsupport.Snapshots.parent;
import static io.migplan.scheduler.testsupport.Snapshots.report;
import static io.migplan.scheduler.testsupport.Snapshots.type;
import static io.migplan.scheduler.testsupport.Snapshots.vm;

import io.migplan.proto.v1.HostSnapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Two hosts that each run a VM called {@code test} (legal in libvirt, which keeps a name unique
 * on one host only), reported over gRPC with one agent answering every probe (compatible iff the
 * signatures match). It moves VMs and upgrades hosts the way an orchestrator's work shows in
 * reports: each change is reported again at a newer generation, and the agent's scans find it.
 *
 * <pre>
 * h-a      2025.1  VM test ({@link #UUID_A}), 4 vCPUs, 8 GiB, one nvidia-231; a T4 of 8 instances
 * h-b      2025.1  VM test ({@link #UUID_B}), the same
 * spare-1  2025.2  no VM; a T4 with room for one more nvidia-231
 * spare-2  2025.2  the same
 * </pre>
 * A spare takes one VM at most, so no plan can send both VMs called {@code test} to one host
 * (libvirt would refuse the second: a name is unique on one host).
 */
public final class TwinFleet implements AutoCloseable {

    public static final String NAME = "test";
    public static final String UUID_A = "5d3c8e10-0000-4000-8000-0000000000a1";
    public static final String UUID_B = "5d3c8e10-0000-4000-8000-0000000000b1";
    public static final String PARENT = "0000:3b:00.0";
    public static final String FROM = "2025.1";
    public static final String TO = "2025.2";

    /** A VM as its host reports it: name, UUID and the mdev it holds. */
    public record Domain(String name, String uuid, String mdev) {
    }

    /** @param instances nvidia-231 instances its T4 takes in all */
    private record Reported(String release, long generation, int instances, List<Domain> vms) {
    }

    private final SchedulerGrpc grpc;
    public final FakeAgent agent;
    private final Map<String, Reported> hosts = new LinkedHashMap<>();

    private TwinFleet(SchedulerGrpc grpc, FakeAgent agent) {
        this.grpc = grpc;
        this.agent = agent;
    }

    public static TwinFleet reportTo(SchedulerGrpc grpc) throws IOException {
        TwinFleet fleet = new TwinFleet(grpc, new FakeAgent().signature("nvidia-231", EvacuationFleet.SIG));
        fleet.send("h-a", new Reported(FROM, 1, 8, List.of(new Domain(NAME, UUID_A, mdev(UUID_A)))));
        fleet.send("h-b", new Reported(FROM, 1, 8, List.of(new Domain(NAME, UUID_B, mdev(UUID_B)))));
        fleet.send("spare-1", new Reported(TO, 1, 1, List.of()));
        fleet.send("spare-2", new Reported(TO, 1, 1, List.of()));
        return fleet;
    }

    /** The mdev the VM of {@code uuid} holds: one per VM, so it moves with it. */
    static String mdev(String vmUuid) {
        return "9e6a0c3e-" + vmUuid.substring("5d3c8e10-".length());
    }

    /**
     * Moves the VM {@code name} of host {@code from} (a name is unique there) to {@code to}, with its
     * mdev; the target reports first, so for a moment both list it, as in a live migration.
     */
    public synchronized void migrate(String name, String from, String to) {
        moved(name, from, to).run();
    }

    /**
     * Moves the VM as {@link #migrate} does, but the hosts report it only when the answer is run:
     * agents that report after the orchestrator has reported the migration done.
     */
    public synchronized Runnable moved(String name, String from, String to) {
        Reported src = hosts.get(from);
        Domain moving = src.vms().stream().filter(d -> d.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("host " + from + " runs no VM named " + name));
        Reported dst = hosts.get(to);
        if (dst.vms().stream().anyMatch(d -> d.name().equals(name))) {
            throw new AssertionError("host " + to + " already runs a VM named " + name);
        }
        List<Domain> arrived = new ArrayList<>(dst.vms());
        arrived.add(moving);
        Reported target = new Reported(dst.release(), dst.generation() + 1, dst.instances(), arrived);
        List<Domain> left = new ArrayList<>(src.vms());
        left.remove(moving);
        Reported source = new Reported(src.release(), src.generation() + 1, src.instances(), left);
        return () -> {
            synchronized (this) {
                send(to, target);
                send(from, source);
            }
        };
    }

    /** Upgrades an (empty) host to {@code release} and reports it. */
    public synchronized void upgrade(String host, String release) {
        Reported h = hosts.get(host);
        send(host, new Reported(release, h.generation() + 1, h.instances(), h.vms()));
    }

    /** The UUIDs of the VMs each host runs now, by host. */
    public synchronized Map<String, List<String>> uuidsByHost() {
        Map<String, List<String>> out = new TreeMap<>();
        hosts.forEach((h, r) -> out.put(h, r.vms().stream().map(Domain::uuid).sorted().toList()));
        return out;
    }

    public synchronized String releaseOf(String host) {
        return hosts.get(host).release();
    }

    private void send(String id, Reported state) {
        hosts.put(id, state);
        HostSnapshot.Builder s = host(id, state.generation(), agent.endpoint());
        s.setHost(s.getHost().toBuilder().setRelease(state.release()));
        s.addParents(parent(PARENT, type("nvidia-231", state.instances() - state.vms().size(),
                EvacuationFleet.SIG)));
        for (Domain d : state.vms()) {
            s.addInstances(instance(d.mdev(), "nvidia-231", PARENT));
            s.addVms(vm(d.name(), d.uuid(), 4, 8192, d.mdev()));
        }
        new EvacuationFleet.Reporting(grpc, agent).reportInventory(report(s));
    }

    @Override
    public void close() throws InterruptedException {
        agent.close();
    }
}
