package io.migplan.scheduler.placement;

import static io.migplan.scheduler.testsupport.Views.NOW;
import static io.migplan.scheduler.testsupport.Views.SIG;
import static io.migplan.scheduler.testsupport.Views.device;
import static io.migplan.scheduler.testsupport.Views.host;
import static io.migplan.scheduler.testsupport.Views.parent;
import static io.migplan.scheduler.testsupport.Views.type;
import static io.migplan.scheduler.testsupport.Views.vm;
import static io.migplan.scheduler.testsupport.Views.vmInGroup;
import static io.migplan.scheduler.testsupport.Views.withAdmin;
import static io.migplan.scheduler.testsupport.Views.withCapacity;
import static io.migplan.scheduler.testsupport.Views.withGroups;
import io.migplan.scheduler.testsupport.Views;
import static io.migplan.scheduler.testsupport.Views.withParents;
import static io.migplan.scheduler.testsupport.Views.withRelease;
import static io.migplan.scheduler.testsupport.Views.withState;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.snapshot.PlacementRequest;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.bench.FleetGenerator;
import io.migplan.scheduler.bench.FleetSnapshot;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.placement.TargetFinder.Evaluation;
import io.migplan.scheduler.placement.filter.AntiAffinityFilter;
import io.migplan.scheduler.placement.filter.CpuMemoryFilter;
import io.migplan.scheduler.placement.filter.DeviceTypePresentFilter;
import io.migplan.scheduler.placement.filter.FreeInstanceFilter;
import io.migplan.scheduler.placement.filter.HostStateFilter;
import io.migplan.scheduler.placement.filter.ReleaseDirectionFilter;
import io.migplan.scheduler.compatibility.CompatibilityProber.Batch;
import io.migplan.scheduler.compatibility.ProbeOutcome;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.VmRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The summary view decides nothing of its own: for every kind of VM and host it must give the
 * summary line, counts, best candidates and agent questions that the full answer gives.
 */
class ShortlistEvaluationTest {

    static final String OTHER_SIG = "nvidia-231/T4/535.54.03";

    /** vm-1 lives on "src"; every other host is rejected for a different reason, or several. */
    static ClusterSnapshot fleet() {
        List<HostView> hosts = List.of(
                withParents(host("src"), parent("0000:3b:00.0", type("nvidia-231", 3))),
                withParents(host("good-a"), parent("0000:3b:00.0", type("nvidia-231", 2)),
                        parent("0000:d8:00.0", type("nvidia-231", 4))),
                withParents(withCapacity(host("good-b"), 32, 131072, 16, 65536),
                        parent("0000:3b:00.0", type("nvidia-231", 8))),
                // Two hosts with the score of good-b: the full answer orders them by id.
                withParents(withCapacity(host("tie-2"), 32, 131072, 16, 65536), parent("0000:3b:00.0",
                        type("nvidia-231", 1))),
                withParents(withCapacity(host("tie-1"), 32, 131072, 16, 65536), parent("0000:3b:00.0",
                        type("nvidia-231", 1))),
                withParents(withState(host("stale"), HostState.STALE, NOW.minusSeconds(300)),
                        parent("0000:3b:00.0", type("nvidia-231", 8))),
                withParents(withRelease(withAdmin(host("drained-old"), AdminState.DRAINING, "swap"), "2024.4"),
                        parent("0000:3b:00.0", type("nvidia-231", 8))),
                withParents(withCapacity(host("small"), 2, 4096, 0, 0), parent("0000:3b:00.0", type("nvidia-231", 0))),
                withParents(host("no-type"), parent("0000:3b:00.0", type("nvidia-232", 4))),
                withParents(host("full"), parent("0000:3b:00.0", type("nvidia-231", 0), type("nvidia-232", 2))),
                withParents(withGroups(host("grouped"), Map.of("db", Views.member("db-2"))), parent("0000:3b:00.0",
                        type("nvidia-231", 8), type("nvidia-232", 8))),
                withParents(host("mismatch"), parent("0000:3b:00.0", type("nvidia-231", 8))),
                withParents(host("silent"), parent("0000:3b:00.0", type("nvidia-231", 8), type("nvidia-232", 8))),
                withParents(host("unasked"), parent("0000:3b:00.0", type("nvidia-231", 8), type("nvidia-232", 8))));
        return ClusterSnapshot.of(hosts.stream().map(h -> new HostEntry(h, List.of(), NOW.minusSeconds(60))).toList());
    }

    /** Stored verdicts: COMPATIBLE everywhere, mismatch refuses, "silent" and "unasked" have none. */
    static Map<MatrixKey, StoredVerdict> stored(ClusterSnapshot s) {
        Map<MatrixKey, StoredVerdict> out = new HashMap<>();
        for (HostEntry e : s.hosts()) {
            String h = e.view().id();
            if (h.equals("silent") || h.equals("unasked")) {
                continue;
            }
            for (var p : e.view().parents()) {
                for (var t : p.types()) {
                    boolean refuses = h.equals("mismatch");
                    out.put(new MatrixKey(h, p.address(), t.typeId(), SIG), new StoredVerdict(
                            refuses ? Verdict.VERDICT_INCOMPATIBLE : Verdict.VERDICT_COMPATIBLE, refuses ? "SIG" : "",
                            "", "test", 1, NOW.minusSeconds(30)));
                }
            }
        }
        return out;
    }

    static Function<List<MatrixKey>, Map<MatrixKey, StoredVerdict>> known(Map<MatrixKey, StoredVerdict> stored,
            List<List<MatrixKey>> calls) {
        return keys -> {
            calls.add(List.copyOf(keys));
            Map<MatrixKey, StoredVerdict> out = new HashMap<>();
            keys.stream().filter(stored::containsKey).forEach(k -> out.put(k, stored.get(k)));
            return out;
        };
    }

    /** What the agents say when asked: "silent" is unreachable, the others answer COMPATIBLE. */
    static Map<String, ProbeOutcome> answer(List<Batch> batches) {
        Map<String, ProbeOutcome> out = new HashMap<>();
        for (Batch b : batches) {
            if (b.host().equals("silent")) {
                out.put(b.host(), new ProbeOutcome.Failed("agent unreachable"));
                continue;
            }
            Map<String, ProbeAnswer> answers = new HashMap<>();
            for (ProbeQuestion q : b.questions()) {
                answers.put(q.getId(), ProbeAnswer.newBuilder().setId(q.getId()).setVerdict(Verdict.VERDICT_COMPATIBLE)
                        .build());
            }
            out.put(b.host(), new ProbeOutcome.Answered(b.endpoint(), answers));
        }
        return out;
    }

    static Stream<Arguments> questions() {
        DeviceRequest unsigned = new DeviceRequest("u9", "nvidia-231", "0000:3b:00.0", "",
                PlacementRequest.SourceFacts.NONE);
        return Stream.of(
                Arguments.of("one mdev, the common VM", vm(device("u1", "nvidia-231")), false, 10),
                Arguments.of("one mdev, only the best two candidates", vm(device("u1", "nvidia-231")), false, 2),
                Arguments.of("one mdev, backward moves allowed", vm(device("u1", "nvidia-231")), true, 10),
                Arguments.of("one mdev in an anti-affinity group", vmInGroup("db", device("u1", "nvidia-231")), false,
                        10),
                Arguments.of("two mdevs of one type", vm(device("u1", "nvidia-231"), device("u2", "nvidia-231")), false,
                        10),
                Arguments.of("two mdevs of two types", vm(device("u1", "nvidia-231"), device("u2", "nvidia-232")), false,
                        10),
                Arguments.of("one mdev whose signature the source did not report", vm(unsigned), false, 10),
                Arguments.of("no mdev at all", vm(), false, 10),
                Arguments.of("more device types than a rejection pattern holds",
                        vm(IntStream.range(0, ShortlistEvaluation.MAX_TYPES + 1)
                                .mapToObj(i -> device("u" + i, "type-" + i)).toArray(DeviceRequest[]::new)),
                        false, 10));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("questions")
    void theShortlistIsWhatTheFullAnswerImplies(String name, PlacementRequest request, boolean allowBackward,
            int limit) {
        ClusterSnapshot s = fleet();
        Map<MatrixKey, StoredVerdict> stored = stored(s);
        List<HostView> others = s.hosts().stream().map(HostEntry::view).filter(h -> !h.id().equals("src")).toList();
        Evaluation full = TargetFinder.evaluate(request, others, TargetFinder.cheapFilters(allowBackward),
                known(stored, new ArrayList<>()));
        Placement placement = full.placement(request, answer(full.toAsk()));

        ShortlistEvaluation shortlist = ShortlistEvaluation.evaluate(request, new FleetIndex(s), allowBackward,
                known(stored, new ArrayList<>()));

        assertThat(shortlist.toAsk()).isEqualTo(full.toAsk());
        Shortlist answer = shortlist.shortlist(answer(shortlist.toAsk()), limit);
        assertThat(answer).isEqualTo(Shortlist.of(placement, limit));
        assertThat(answer.candidates()).hasSizeLessThanOrEqualTo(limit);
    }

    @Test
    void theCountsReadLikeTheSummary() {
        ClusterSnapshot s = fleet();
        PlacementRequest request = vm(device("u1", "nvidia-231"));
        ShortlistEvaluation e = ShortlistEvaluation.evaluate(request, new FleetIndex(s), false,
                known(stored(s), new ArrayList<>()));

        Shortlist answer = e.shortlist(answer(e.toAsk()), 3);

        assertThat(answer.summary()).isEqualTo("6/13 hosts eligible: 2 no free nvidia-231, 1 draining,"
                + " 1 insufficient CPU, 1 insufficient memory, 1 no device type nvidia-231, 1 older release,"
                + " 1 probe incompatible, 1 probe unknown, 1 stale");
        assertThat(answer.eligible()).isEqualTo(6);
        assertThat(answer.hosts()).isEqualTo(13);
        // Three hosts share the best score (nothing running on them): by id.
        assertThat(answer.candidates()).extracting(Placement.Candidate::host).containsExactly("good-a", "grouped",
                "unasked");
        assertThat(answer.candidates().get(0).device()).isEqualTo("0000:d8:00.0");
        assertThat(answer.rejectedByCode()).containsExactly(new Shortlist.CodeCount("NO_FREE_INSTANCE", 2),
                new Shortlist.CodeCount("HOST_DRAINING", 1), new Shortlist.CodeCount("HOST_STALE", 1),
                new Shortlist.CodeCount("INSUFFICIENT_CPU", 1), new Shortlist.CodeCount("INSUFFICIENT_MEMORY", 1),
                new Shortlist.CodeCount("NO_DEVICE_TYPE", 1), new Shortlist.CodeCount("OLDER_RELEASE", 1),
                new Shortlist.CodeCount("PROBE_INCOMPATIBLE", 1), new Shortlist.CodeCount("PROBE_UNKNOWN", 1));
    }

    @Test
    void aSecondQuestionOnTheSameSnapshotLooksUpOnlyTheVerdictsItHasNotSeen() {
        ClusterSnapshot s = fleet();
        FleetIndex index = new FleetIndex(s);
        List<List<MatrixKey>> calls = new ArrayList<>();
        var known = known(stored(s), calls);
        PlacementRequest request = vm(device("u1", "nvidia-231"));

        ShortlistEvaluation first = ShortlistEvaluation.evaluate(request, index, false, known);
        ShortlistEvaluation second = ShortlistEvaluation.evaluate(request, index, false, known);

        assertThat(calls.get(0)).extracting(MatrixKey::targetHost).containsExactlyInAnyOrder("good-a", "good-b",
                "tie-1", "tie-2", "grouped", "mismatch", "silent", "unasked");
        // Hosts whose verdict was found are remembered in the index; the unasked ones are looked up again.
        assertThat(calls.get(1)).extracting(MatrixKey::targetHost).containsExactlyInAnyOrder("silent", "unasked");
        assertThat(second.shortlist(answer(second.toAsk()), 10)).isEqualTo(first.shortlist(answer(first.toAsk()), 10));
    }

    @Test
    void everyVmOfAGeneratedFleetGetsTheShortlistItsFullAnswerImplies() {
        FleetSnapshot generated = FleetSnapshot.of(FleetGenerator.generate(120, 7), NOW, 7);
        ClusterSnapshot s = generated.snapshot();
        FleetIndex index = new FleetIndex(s);
        int checked = 0;
        for (String name : generated.vmNames()) {
            VmRecord vm = s.resolve(name);
            PlacementRequest request = vm.request(NOW);
            List<HostView> others = s.hosts().stream().map(HostEntry::view)
                    .filter(h -> !h.id().equals(vm.host())).toList();
            Placement full = TargetFinder.evaluate(request, others, TargetFinder.cheapFilters(false), generated::cached)
                    .placement(request, Map.of());

            Shortlist shortlist = ShortlistEvaluation.evaluate(request, index, false, generated::cached)
                    .shortlist(Map.of(), 10);

            assertThat(shortlist).as(name).isEqualTo(Shortlist.of(full, 10));
            checked++;
        }
        assertThat(checked).isGreaterThan(1_000);
    }

    @Test
    void theShortlistAppliesExactlyTheCheapFiltersOfTheFullAnswer() {
        // ShortlistEvaluation applies these rules by name; a new cheap filter must be taught to it too.
        assertThat(TargetFinder.cheapFilters(false)).extracting(Object::getClass).containsExactly(
                HostStateFilter.class, ReleaseDirectionFilter.class, CpuMemoryFilter.class, AntiAffinityFilter.class,
                DeviceTypePresentFilter.class, FreeInstanceFilter.class);
    }
}
