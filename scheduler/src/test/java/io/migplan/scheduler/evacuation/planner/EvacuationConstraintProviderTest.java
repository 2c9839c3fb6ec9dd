package io.migplan.scheduler.evacuation.planner;

import static io.migplan.scheduler.evacuation.planner.ConstraintIds.ANTI_AFFINITY;
import static io.migplan.scheduler.evacuation.planner.ConstraintIds.CPU_CAPACITY;
import static io.migplan.scheduler.evacuation.planner.ConstraintIds.DEVICE_CAPACITY;
import static io.migplan.scheduler.evacuation.planner.ConstraintIds.FAILURE_DOMAIN_SPREAD;
import static io.migplan.scheduler.evacuation.planner.ConstraintIds.MEMORY_CAPACITY;
import static io.migplan.scheduler.evacuation.planner.ConstraintIds.PREFER_NEWEST_RELEASE;
import static io.migplan.scheduler.evacuation.planner.ConstraintIds.SPREAD_LOAD;
import static io.migplan.scheduler.evacuation.planner.ConstraintIds.UNPLACED_VM;
import static io.migplan.scheduler.evacuation.planner.Fixtures.FB_2Q;
import static io.migplan.scheduler.evacuation.planner.Fixtures.T4_2Q;
import static io.migplan.scheduler.evacuation.planner.Fixtures.T4_4Q;
import static io.migplan.scheduler.evacuation.planner.Fixtures.host;
import static io.migplan.scheduler.evacuation.planner.Fixtures.on;
import static io.migplan.scheduler.evacuation.planner.Fixtures.t4;
import static io.migplan.scheduler.evacuation.planner.Fixtures.vm;

import io.migplan.capacity.CapacityUnit;
import io.migplan.capacity.GvtgPoolModel;
import io.migplan.capacity.NvidiaEqualSizeModel;
import io.migplan.capacity.OnePerVfModel;
import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.proto.v1.TypeDemand;
import io.migplan.scheduler.evacuation.planner.domain.DeviceUnit;
import io.migplan.scheduler.evacuation.planner.domain.EvacuationSolution;
import io.migplan.scheduler.evacuation.planner.domain.Slot;
import io.migplan.scheduler.evacuation.planner.domain.Target;
import io.migplan.scheduler.evacuation.planner.domain.TargetHost;
import io.migplan.scheduler.evacuation.planner.domain.VmMove;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.optaplanner.test.api.score.stream.ConstraintVerifier;
import org.optaplanner.test.api.score.stream.SingleConstraintVerification;

class EvacuationConstraintProviderTest {

    private static final ConstraintVerifier<EvacuationConstraintProvider, EvacuationSolution> VERIFIER =
            ConstraintVerifier.build(new EvacuationConstraintProvider(), EvacuationSolution.class, VmMove.class);

    private static SingleConstraintVerification<EvacuationSolution> verify(String id) {
        return VERIFIER.verifyThat(ConstraintCatalog.methods().get(id));
    }

    @Test
    @VerifiesConstraint(value = CPU_CAPACITY, penalized = true)
    void cpuCapacity_penalizesEveryVcpuOverTheHost() {
        TargetHost h7 = host("h7", 64, 60);
        verify(CPU_CAPACITY).given(vm("a", 4, on(h7)), vm("b", 4, on(h7))).penalizesBy(4);
    }

    @Test
    @VerifiesConstraint(value = CPU_CAPACITY, penalized = false)
    void cpuCapacity_acceptsAHostFilledExactly() {
        TargetHost h7 = host("h7", 64, 56);
        verify(CPU_CAPACITY).given(vm("a", 4, on(h7)), vm("b", 4, on(h7)), vm("c", 8, null)).penalizesBy(0);
    }

    @Test
    @VerifiesConstraint(value = MEMORY_CAPACITY, penalized = true)
    void memoryCapacity_penalizesPerGibOverRoundedUp() {
        TargetHost h = host("h1", 64, 0, 16_384, 12_288, 1, "rack-1", Map.of());
        // 8,192 MiB planned onto 4,096 free: 4,096 over = 4 GiB; one more MiB makes it 5.
        verify(MEMORY_CAPACITY).given(vm("a", 1, 4096, "", "r", 1, on(h)), vm("b", 1, 4097, "", "r", 1, on(h)))
                .penalizesBy(5);
    }

    @Test
    @VerifiesConstraint(value = MEMORY_CAPACITY, penalized = false)
    void memoryCapacity_acceptsWhatFits() {
        TargetHost h = host("h1", 64, 0, 16_384, 12_288, 1, "rack-1", Map.of());
        verify(MEMORY_CAPACITY).given(vm("a", 1, 4096, "", "r", 1, on(h))).penalizesBy(0);
    }

    @Test
    @VerifiesConstraint(value = DEVICE_CAPACITY, penalized = true)
    void deviceCapacity_penalizesASizeOtherThanTheGpuLock() {
        TargetHost h = host("h1", 64, 0);
        DeviceUnit gpu = t4(h, "0000:3b:00.0", FB_2Q, 2);
        // Locked to 2 GiB: a 4Q never fits, the two 2Q do (2 used + 2 <= 8).
        verify(DEVICE_CAPACITY).given(vm("a", 1, on(h, gpu, T4_4Q)), vm("b", 1, on(h, gpu, T4_2Q)),
                vm("c", 1, on(h, gpu, T4_2Q))).penalizesBy(1);
    }

    @Test
    @VerifiesConstraint(value = DEVICE_CAPACITY, penalized = true)
    void deviceCapacity_penalizesCountOverMaxInstanceMinusUsed() {
        TargetHost h = host("h1", 64, 0);
        DeviceUnit gpu = t4(h, "0000:3b:00.0", FB_2Q, 6);
        verify(DEVICE_CAPACITY).given(vm("a", 1, on(h, gpu, T4_2Q)), vm("b", 1, on(h, gpu, T4_2Q)),
                vm("c", 1, on(h, gpu, T4_2Q)), vm("d", 1, on(h, gpu, T4_2Q))).penalizesBy(2);
    }

    @Test
    @VerifiesConstraint(value = DEVICE_CAPACITY, penalized = true)
    void deviceCapacity_onAnEmptyGpuKeepsTheMostRequestedSize() {
        TargetHost h = host("h1", 64, 0);
        DeviceUnit gpu = t4(h, "0000:d8:00.0", 0, 0);
        verify(DEVICE_CAPACITY).given(vm("a", 1, on(h, gpu, T4_4Q)), vm("b", 1, on(h, gpu, T4_2Q)),
                vm("c", 1, on(h, gpu, T4_2Q))).penalizesBy(1);
    }

    @Test
    @VerifiesConstraint(value = DEVICE_CAPACITY, penalized = true)
    void deviceCapacity_countsOneVgpuPerFreeVfOfAPhysicalFunction() {
        TargetHost h = host("h1", 64, 0);
        // An A40-like function with 2 free VFs; A40-8Q: 8,192 MiB, max_instance 6.
        Map<String, TypeDemand> a40 = Map.of("nvidia-560", NvidiaEqualSizeModel.demand(8192, 6));
        List<Capacity> vfs = new ArrayList<>();
        for (int vf = 0; vf < 6; vf++) {
            vfs.add(OnePerVfModel.of("0000:59:00.0", a40, vf < 4 ? 1 : 0, 8192));
        }
        DeviceUnit pf = new DeviceUnit("h1", CapacityUnit.ofFunction("0000:59:00.0", vfs),
                List.of("0000:59:00.5", "0000:59:00.6"));
        pf.addType("nvidia-560");
        pf.setIndex(90);
        Target t = new Target(h, List.of(new Slot(pf, 0, pf.id())));
        // 3 planned: 2 free VFs, and 6 - 4 used = 2 by max_instance: 1 over.
        verify(DEVICE_CAPACITY).given(vm("a", 1, t), vm("b", 1, t), vm("c", 1, t)).penalizesBy(1);
    }

    @Test
    @VerifiesConstraint(value = DEVICE_CAPACITY, penalized = true)
    void deviceCapacity_sharesAGvtgApertureBetweenTypes() {
        TargetHost h = host("h1", 64, 0);
        // FACTS 3c: V5_4 takes 128 MB low / 512 MB high / 4 fences; V5_2 256 / 1024 / 4.
        Capacity pools = Capacity.newBuilder().setRule(CapacityRule.CAPACITY_RULE_SHARED_POOL)
                .putAllPoolFree(Map.of("low_gm_mib", 384L, "high_gm_mib", 2048L, "fences", 28L))
                .putDemand("i915-GVTg_V5_4", GvtgPoolModel.demand("128", "512", "4").orElseThrow())
                .putDemand("i915-GVTg_V5_2", GvtgPoolModel.demand("256", "1024", "4").orElseThrow()).build();
        DeviceUnit igpu = new DeviceUnit("h1", CapacityUnit.of("0000:00:02.0", pools, Map.of()), List.of());
        int v54 = igpu.addType("i915-GVTg_V5_4");
        int v52 = igpu.addType("i915-GVTg_V5_2");
        igpu.setIndex(91);
        Target t54 = new Target(h, List.of(new Slot(igpu, v54, igpu.id())));
        Target t52 = new Target(h, List.of(new Slot(igpu, v52, igpu.id())));
        // 2 x V5_4 take 256 low; a V5_2 needs 256 more of the 128 left: it does not fit.
        verify(DEVICE_CAPACITY).given(vm("a", 1, t54), vm("b", 1, t54), vm("c", 1, t52)).penalizesBy(1);
    }

    @Test
    @VerifiesConstraint(value = DEVICE_CAPACITY, penalized = false)
    void deviceCapacity_acceptsSameSizeTypesUpToTheLimit() {
        TargetHost h = host("h1", 64, 0);
        DeviceUnit gpu = t4(h, "0000:3b:00.0", FB_2Q, 6);
        DeviceUnit other = t4(h, "0000:d8:00.0", 0, 0);
        verify(DEVICE_CAPACITY).given(vm("a", 1, on(h, gpu, T4_2Q)), vm("b", 1, on(h, gpu, T4_2Q)),
                vm("c", 1, on(h, other, T4_4Q))).penalizesBy(0);
    }

    @Test
    @VerifiesConstraint(value = ANTI_AFFINITY, penalized = true)
    void antiAffinity_penalizesTwoOfAGroupOnOneHost() {
        TargetHost h = host("h1", 64, 0);
        verify(ANTI_AFFINITY).given(vm("a", 1, 1024, "db", "r", 1, on(h)), vm("b", 1, 1024, "db", "r", 1, on(h)),
                vm("c", 1, 1024, "db", "r", 1, on(h))).penalizesBy(2);
    }

    @Test
    @VerifiesConstraint(value = ANTI_AFFINITY, penalized = true)
    void antiAffinity_countsVmsAlreadyOnTheTarget() {
        TargetHost h = host("h1", 64, 0, 262_144, 0, 1, "rack-1", Map.of("db", 1));
        verify(ANTI_AFFINITY).given(vm("a", 1, 1024, "db", "r", 1, on(h))).penalizesBy(1);
    }

    @Test
    @VerifiesConstraint(value = ANTI_AFFINITY, penalized = false)
    void antiAffinity_allowsOnePerHostAndIgnoresVmsWithoutAGroup() {
        TargetHost h1 = host("h1", 64, 0, 262_144, 0, 1, "rack-1", Map.of("web", 3));
        TargetHost h2 = host("h2", 64, 0);
        verify(ANTI_AFFINITY).given(vm("a", 1, 1024, "db", "r", 1, on(h1)), vm("b", 1, 1024, "db", "r", 1, on(h2)),
                vm("c", 1, on(h1)), vm("d", 1, on(h1))).penalizesBy(0);
    }

    @Test
    @VerifiesConstraint(value = UNPLACED_VM, penalized = true)
    void unplacedVm_penalizesEachVmWithoutATarget() {
        TargetHost h = host("h1", 64, 0);
        verify(UNPLACED_VM).given(vm("a", 1, null), vm("b", 1, null), vm("c", 1, on(h))).penalizesBy(2);
    }

    @Test
    @VerifiesConstraint(value = UNPLACED_VM, penalized = false)
    void unplacedVm_acceptsEveryVmPlaced() {
        TargetHost h = host("h1", 64, 0);
        verify(UNPLACED_VM).given(vm("a", 1, on(h))).penalizesBy(0);
    }

    @Test
    @VerifiesConstraint(value = PREFER_NEWEST_RELEASE, penalized = true)
    void preferNewestRelease_penalizesEachReleaseStepBehind() {
        TargetHost old = host("h1", 64, 0, 262_144, 0, 1, "rack-1", Map.of());
        // Newest is rank 3: two steps behind.
        verify(PREFER_NEWEST_RELEASE).given(vm("a", 1, 1024, "", "r", 3, on(old)))
                .penalizesBy(2 * EvacuationConstraintProvider.RELEASE_STEP_WEIGHT);
    }

    @Test
    @VerifiesConstraint(value = PREFER_NEWEST_RELEASE, penalized = false)
    void preferNewestRelease_acceptsTheNewestRelease() {
        TargetHost newest = host("h1", 64, 0, 262_144, 0, 3, "rack-1", Map.of());
        verify(PREFER_NEWEST_RELEASE).given(vm("a", 1, 1024, "", "r", 3, on(newest)), vm("b", 1, null))
                .penalizesBy(0);
    }

    @Test
    @VerifiesConstraint(value = SPREAD_LOAD, penalized = true)
    void spreadLoad_penalizesSquaredUtilisationGrowth() {
        TargetHost h = host("h1", 100, 50, 100_000, 50_000, 1, "rack-1", Map.of());
        // CPU 500 -> 600 per mille: (360,000 - 250,000) / 1000 = 110; memory the same: 220.
        verify(SPREAD_LOAD).given(vm("a", 10, 10_000, "", "r", 1, on(h))).penalizesBy(220);
    }

    @Test
    @VerifiesConstraint(value = SPREAD_LOAD, penalized = true)
    void spreadLoad_costsMoreOnABusyHostThanOnAnIdleOne() {
        TargetHost busy = host("busy", 100, 80, 100_000, 80_000, 1, "rack-1", Map.of());
        // 800 -> 900: (810,000 - 640,000) / 1000 = 170, twice.
        verify(SPREAD_LOAD).given(vm("a", 10, 10_000, "", "r", 1, on(busy))).penalizesBy(340);
    }

    @Test
    @VerifiesConstraint(value = SPREAD_LOAD, penalized = false)
    void spreadLoad_ignoresUnplacedVms() {
        verify(SPREAD_LOAD).given(vm("a", 10, null)).penalizesBy(0);
    }

    @Test
    @VerifiesConstraint(value = FAILURE_DOMAIN_SPREAD, penalized = true)
    void failureDomainSpread_penalizesPairsFromOneDomainInAnother() {
        TargetHost h1 = host("h1", 64, 0, 262_144, 0, 1, "rack-1", Map.of());
        TargetHost h2 = host("h2", 64, 0, 262_144, 0, 1, "rack-1", Map.of());
        // Three VMs of rack-9 in rack-1: three pairs.
        verify(FAILURE_DOMAIN_SPREAD).given(vm("a", 1, 1024, "", "rack-9", 1, on(h1)),
                vm("b", 1, 1024, "", "rack-9", 1, on(h2)), vm("c", 1, 1024, "", "rack-9", 1, on(h2)))
                .penalizesBy(3 * EvacuationConstraintProvider.FAILURE_DOMAIN_PAIR_WEIGHT);
    }

    @Test
    @VerifiesConstraint(value = FAILURE_DOMAIN_SPREAD, penalized = false)
    void failureDomainSpread_acceptsOnePerTargetDomain() {
        TargetHost h1 = host("h1", 64, 0, 262_144, 0, 1, "rack-1", Map.of());
        TargetHost h2 = host("h2", 64, 0, 262_144, 0, 1, "rack-2", Map.of());
        verify(FAILURE_DOMAIN_SPREAD).given(vm("a", 1, 1024, "", "rack-9", 1, on(h1)),
                vm("b", 1, 1024, "", "rack-9", 1, on(h2)), vm("c", 1, 1024, "", "rack-8", 1, on(h1)))
                .penalizesBy(0);
    }
}
