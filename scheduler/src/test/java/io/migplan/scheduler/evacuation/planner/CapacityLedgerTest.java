package io.migplan.scheduler.evacuation.planner;

import static io.migplan.scheduler.evacuation.planner.Fixtures.FB_2Q;
import static io.migplan.scheduler.evacuation.planner.Fixtures.T4_2Q;
import static io.migplan.scheduler.evacuation.planner.Fixtures.T4_4Q;
import static io.migplan.scheduler.evacuation.planner.Fixtures.on;
import static io.migplan.scheduler.evacuation.planner.Fixtures.t4;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.error.Rejection;
import io.migplan.scheduler.evacuation.planner.domain.DeviceUnit;
import io.migplan.scheduler.evacuation.planner.domain.Target;
import io.migplan.scheduler.evacuation.planner.domain.TargetHost;
import io.migplan.scheduler.evacuation.planner.domain.VmMove;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ledger every placement path counts with (greedy, construction, the plan's final check,
 * unplaced explanations): what fits after what was planned, why not, and which target is cheapest.
 */
class CapacityLedgerTest {

    /** Fixtures spread failure domains over 0..255 by hash. */
    private static final int DOMAINS = 256;

    private final List<TargetHost> hosts = new ArrayList<>();
    private final List<DeviceUnit> units = new ArrayList<>();
    private int vms;

    private TargetHost host(String id, int releaseRank, int cpus, int usedCpus, Map<String, Integer> groups) {
        TargetHost h = new TargetHost(hosts.size(), id, releaseRank, cpus, usedCpus, 262_144, 0, "rack-1", groups);
        h.setFailureDomainIndex(1);
        hosts.add(h);
        return h;
    }

    private DeviceUnit gpu(TargetHost h, long lockedFb, int used) {
        DeviceUnit unit = t4(h, "0000:3b:00.0", lockedFb, used);
        unit.setIndex(units.size());
        units.add(unit);
        return unit;
    }

    private VmMove vm(int vcpus, String group, int newestRank, Target... eligible) {
        List<String> types = eligible.length == 0 ? List.of()
                : eligible[0].slots().stream().map(s -> s.typeId()).toList();
        VmMove vm = new VmMove(vms, "uuid-vm-" + vms, "vm-" + vms++, "src", vcpus, 4096, types, 0, group, "rack-9", newestRank,
                List.of(eligible));
        vm.setSourceFailureDomainIndex(2);
        return vm;
    }

    private CapacityLedger ledger() {
        return new CapacityLedger(hosts, units, DOMAINS);
    }

    @Test
    void cpuPlannedInCountsAgainstWhatTheHostHasFree() {
        TargetHost h = host("h1", 1, 16, 8, Map.of());
        Target t = on(h);
        CapacityLedger ledger = ledger();
        VmMove big = vm(8, "", 1, t);
        VmMove one = vm(1, "", 1, t);

        assertThat(ledger.fits(big, t)).isTrue();
        ledger.place(big, t);

        assertThat(ledger.fits(one, t)).isFalse();
        assertThat(ledger.shortfalls(one, t)).containsExactly(new Rejection(CapacityLedger.INSUFFICIENT_CPU,
                "host h1: needs 1 vCPUs, 0 of 16 free", "insufficient CPU"));
        assertThat(ledger.addedCpus(h)).isEqualTo(8);
    }

    @Test
    void devicesFitAsTheCapacityModelSays() {
        TargetHost h = host("h1", 1, 64, 0, Map.of());
        DeviceUnit gpu = gpu(h, FB_2Q, 6);
        Target twoQ = on(h, gpu, T4_2Q);
        Target fourQ = on(h, gpu, T4_4Q);
        CapacityLedger ledger = ledger();

        assertThat(ledger.fits(vm(1, "", 1, fourQ), fourQ)).as("locked to 2 GiB").isFalse();
        ledger.place(vm(1, "", 1, twoQ), twoQ);
        ledger.place(vm(1, "", 1, twoQ), twoQ);

        VmMove third = vm(1, "", 1, twoQ);
        assertThat(ledger.fits(third, twoQ)).as("8 - 6 used - 2 planned").isFalse();
        assertThat(ledger.shortfalls(third, twoQ)).extracting(Rejection::code, Rejection::tally)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(CapacityLedger.NO_FREE_INSTANCE,
                        "no free " + T4_2Q));
        assertThat(ledger.shortfalls(third, twoQ).get(0).message())
                .contains("equal-size, locked to 2048 MiB, 6 in use").contains("max 8 of that type, 2 planned in");
    }

    @Test
    void removingAVmGivesBackWhatPlacingItTook() {
        TargetHost h = host("h1", 1, 8, 0, Map.of());
        DeviceUnit gpu = gpu(h, FB_2Q, 7);
        Target t = on(h, gpu, T4_2Q);
        CapacityLedger ledger = ledger();
        VmMove a = vm(8, "", 1, t);
        VmMove b = vm(8, "", 1, t);

        ledger.place(a, t);
        assertThat(ledger.fits(b, t)).isFalse();
        ledger.remove(a, t);

        assertThat(ledger.fits(b, t)).isTrue();
        assertThat(ledger.addedCpus(h)).isZero();
        assertThat(ledger.shortfalls(b, t)).isEmpty();
    }

    @Test
    void anAntiAffinityGroupTakesAHostOnceCountingResidentsAndPlannedVms() {
        TargetHost busy = host("busy", 1, 64, 0, Map.of("db", 1));
        TargetHost free = host("free", 1, 64, 0, Map.of());
        CapacityLedger ledger = ledger();

        assertThat(ledger.shortfalls(vm(1, "db", 1, on(busy)), on(busy))).extracting(Rejection::code)
                .containsExactly(CapacityLedger.ANTI_AFFINITY);
        ledger.place(vm(1, "db", 1, on(free)), on(free));
        assertThat(ledger.fits(vm(1, "db", 1, on(free)), on(free))).isFalse();
        assertThat(ledger.fits(vm(1, "web", 1, on(free)), on(free))).isTrue();
    }

    @Test
    void theCheapestFitPrefersTheNewestReleaseWhereTheFirstFitTakesTheFirstEligible() {
        TargetHost old = host("old", 1, 64, 0, Map.of());
        TargetHost upgraded = host("upgraded", 2, 64, 0, Map.of());
        TargetHost full = host("full", 2, 4, 4, Map.of());
        VmMove vm = vm(2, "", 2, on(full), on(old), on(upgraded));
        CapacityLedger ledger = ledger();

        assertThat(ledger.softCost(vm, on(old))).isGreaterThan(ledger.softCost(vm, on(upgraded)));
        assertThat(ledger.cheapestFit(vm).host().id()).isEqualTo("upgraded");
        assertThat(ledger.firstFit(vm).host().id()).as("full has no CPU left").isEqualTo("old");
        assertThat(ledger.cheapestFit(vm(64, "", 2, on(full), on(old)))).as("nothing has 64 free").isNotNull();
        assertThat(ledger.cheapestFit(vm(65, "", 2, on(full), on(old)))).isNull();
    }
}
