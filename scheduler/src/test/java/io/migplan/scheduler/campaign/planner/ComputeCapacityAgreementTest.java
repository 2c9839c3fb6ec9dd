package io.migplan.scheduler.campaign.planner;

import static io.migplan.scheduler.testsupport.Views.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.capacity.ComputeAllocation;
import io.migplan.scheduler.campaign.planner.CampaignProblem.Eligibility;
import io.migplan.scheduler.evacuation.EvacuationProblemBuilder;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.HostSpec;
import io.migplan.scheduler.evacuation.planner.domain.TargetHost;
import io.migplan.scheduler.placement.FleetIndex;
import io.migplan.scheduler.placement.ShortlistEvaluation;
import io.migplan.scheduler.placement.filter.CpuMemoryFilter;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.PlacementRequest;
import io.migplan.scheduler.testsupport.Views;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One host, one answer on CPU and memory: whether a 4-vCPU, 8 GiB VM fits a host under its ratios
 * and reservations is the same for the placement filter ({@code /targets}), the index behind
 * {@code /targets?view=summary}, the evacuation planner's target host and the campaign's fleet
 * simulation, because all of them count with {@link ComputeAllocation}.
 */
class ComputeCapacityAgreementTest {

    static Stream<Arguments> hosts() {
        return Stream.of(
                Arguments.of("an empty host at 1:1 fits", 8, 16384, 0, 0, ComputeAllocation.NONE, true, true),
                Arguments.of("2 CPUs fit 4 vCPUs only at ratio 2.0", 2, 16384, 0, 0,
                        new ComputeAllocation(2.0, 1.0, 0, 0), true, true),
                Arguments.of("2 CPUs at 1:1 are short of CPU", 2, 16384, 0, 0, ComputeAllocation.NONE, false, true),
                Arguments.of("64 CPUs at 1.5 with 93 in use have 3 left", 64, 262144, 93, 0,
                        new ComputeAllocation(1.5, 1.0, 0, 0), false, true),
                Arguments.of("64 CPUs at 1.5 with 92 in use have 4 left", 64, 262144, 92, 0,
                        new ComputeAllocation(1.5, 1.0, 0, 0), true, true),
                Arguments.of("a reservation takes the room the ratio gave", 8, 16384, 0, 0,
                        new ComputeAllocation(1.0, 1.0, 6, 0), false, true),
                Arguments.of("memory at 1.5 takes 8 GiB beside 4 GiB on an 8 GiB host", 8, 8192, 0, 4096,
                        new ComputeAllocation(1.0, 1.5, 0, 0), true, true),
                Arguments.of("memory reserved leaves 4 GiB", 8, 16384, 0, 0,
                        new ComputeAllocation(1.0, 1.0, 0, 12288), true, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hosts")
    void everyConsumerAgreesWhetherTheVmFits(String name, int cpus, long memoryMib, int usedCpus, long usedMemoryMib,
            ComputeAllocation allocation, boolean cpuFits, boolean memoryFits) {
        HostView host = Views.withAllocation(Views.withCapacity(Views.host("h"), cpus, memoryMib, usedCpus,
                usedMemoryMib), allocation);
        PlacementRequest vm = Views.vm();
        boolean fits = cpuFits && memoryFits;

        assertThat(new CpuMemoryFilter().filter(vm, host).isEmpty()).as("the placement filter").isEqualTo(fits);

        ClusterSnapshot snapshot = ClusterSnapshot.of(List.of(new HostEntry(host, List.of(), NOW)));
        var summary = ShortlistEvaluation.evaluate(vm, new FleetIndex.Latest().of(snapshot), false, keys -> Map.of())
                .shortlist(Map.of(), 10);
        var codes = summary.rejectedByCode().stream().map(c -> c.code()).toList();
        assertThat(codes.contains(CpuMemoryFilter.INSUFFICIENT_CPU)).as("the /targets summary on CPU")
                .isEqualTo(!cpuFits);
        assertThat(codes.contains(CpuMemoryFilter.INSUFFICIENT_MEMORY)).as("the /targets summary on memory")
                .isEqualTo(!memoryFits);
        assertThat(new CpuMemoryFilter().filter(vm, host)).extracting(r -> r.code()).as("the filter's codes")
                .containsExactlyElementsOf(codes.stream().filter(c -> c.startsWith("INSUFFICIENT_")).sorted().toList());

        HostSpec spec = EvacuationProblemBuilder.hostSpec(host, Map.of());
        TargetHost target = new TargetHost(0, spec.id(), 0, spec.cpus(), spec.usedCpus(), spec.memoryMib(),
                spec.usedMemoryMib(), "", Map.of(), spec.allocation());
        assertThat(target.freeCpus() >= vm.vcpus() && target.freeMemoryMib() >= vm.memoryMib())
                .as("the evacuation planner's target").isEqualTo(fits);

        FleetState state = new FleetState(new CampaignProblem("agreement", List.of(spec), List.of(), TestFleet.FROM,
                TestFleet.TO, Set.of(), Eligibility.sameBoardNotOlder()));
        FleetState.Host simulated = state.hosts.get("h");
        assertThat(simulated.freeCpus(0) >= vm.vcpus() && simulated.freeMemory(0) >= vm.memoryMib())
                .as("the campaign's fleet simulation").isEqualTo(fits);
    }
}
