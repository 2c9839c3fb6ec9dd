package io.migplan.scheduler.campaign;

import io.migplan.scheduler.error.Reason;
import io.migplan.scheduler.campaign.planner.CampaignProblem;
import io.migplan.scheduler.campaign.planner.CampaignProblem.CampaignVm;
import io.migplan.scheduler.campaign.planner.CampaignProblem.Eligibility;
import io.migplan.scheduler.campaign.planner.CampaignProblem.HostView;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.placement.filter.DeviceTypePresentFilter;
import io.migplan.scheduler.placement.filter.HostStateFilter;
import io.migplan.scheduler.placement.filter.ReleaseDirectionFilter;
import io.migplan.scheduler.snapshot.HostView.ParentView;
import io.migplan.scheduler.snapshot.PlacementRequest;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.snapshot.Releases;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.HostSpec;
import io.migplan.scheduler.evacuation.EvacuationProblemBuilder;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.VmRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns the cluster snapshot into the campaign planner's {@link CampaignProblem}: every host that
 * is up (a host down or stale is neither a source nor a target until it is back), every VM with
 * its devices and where they live, and an eligibility built from the placement filters' own rules
 * and the compatibility matrix ({@link VerdictBook}). A target takes a VM when:
 *
 * <ul>
 * <li>its state lets it take VMs ({@link HostStateFilter#takesVms}), except that a host this
 * campaign marked itself (its admin reason starts with the campaign's mark) still counts as in
 * service: the campaign drains and upgrades it, and plans what comes back ({@link #takesVms});</li>
 * <li>it is not older ({@link ReleaseDirectionFilter#isOlder}), judged at the releases source and
 * target run at that point of the campaign, so an upgraded host is judged at the release it will
 * run;</li>
 * <li>it offers each device's type ({@link DeviceTypePresentFilter#offersAll});</li>
 * <li>the verdict for each device is compatible ({@link VerdictBook#judge}): probed, learned from a
 * host of its board at the release it will run, or assumed; where "where can it move" reads the
 * target's own verdict at its current release, a campaign needs the one for the release the host
 * will run. What a verdict means stays {@link io.migplan.scheduler.compatibility.VerdictMeaning}'s.</li>
 * </ul>
 *
 * The other filters (CPU and memory, anti-affinity, free instances) are not eligibility here: the
 * planner counts room and groups itself, as the fleet changes under its plan.
 *
 * <p>Hosts the campaign is upgrading right now are given at the release they are being upgraded
 * to (they are empty and come back at it); they are targets in the plan, and the campaign sends
 * nothing there until they are back and probed.
 *
 * <p>A rollback ({@link CampaignKind#ROLLBACK}, to an older release) replaces the release and
 * verdict rules with the backward one alone: a target must run the old release now
 * ({@link OldReleaseTarget}; a host this campaign will roll back later has no answer at the old
 * release yet, so it is no target until a later plan) and its own agent must have answered
 * COMPATIBLE for each device ({@link BackwardVerdicts}): nothing learned or assumed, no
 * {@code allowBackward}.
 */
final class CampaignProblemBuilder {

    /**
     * The problem, and what the builder learned that the campaign needs to run it ({@code vms} by
     * UUID); {@code backward} only for a rollback.
     */
    record Built(CampaignProblem problem, VerdictBook verdicts, Map<String, VmRecord> vms, Set<String> absent,
            Backward backward) {
    }

    /**
     * What a rollback's eligibility rests on: the hosts at the old release that take VMs (targets),
     * and their agents' stored answers for the backward cells of the VMs in scope.
     */
    record Backward(List<io.migplan.scheduler.snapshot.HostView> oldHosts, BackwardVerdicts verdicts, String oldRelease) {

        /** Why {@code vm} cannot go back, judged as the rollback view judges it. */
        BackwardVerdicts.Judged judge(VmRecord vm) {
            return verdicts.judge(vm, oldHosts, oldRelease);
        }
    }

    private final Function<Collection<MatrixKey>, Map<MatrixKey, StoredVerdict>> stored;
    private final boolean allowBackward;
    private final String ownMarks;
    private final boolean rollback;

    /**
     * @param stored   the valid verdicts among the keys given (the matrix at the hosts' current generations)
     * @param ownMarks how the campaign's own admin-state reasons begin: hosts it marked are its to plan
     */
    CampaignProblemBuilder(Function<Collection<MatrixKey>, Map<MatrixKey, StoredVerdict>> stored,
            boolean allowBackward, String ownMarks) {
        this(stored, allowBackward, ownMarks, false);
    }

    /** @param rollback whether the campaign goes back to an older release: only answered backward verdicts count */
    CampaignProblemBuilder(Function<Collection<MatrixKey>, Map<MatrixKey, StoredVerdict>> stored,
            boolean allowBackward, String ownMarks, boolean rollback) {
        this.stored = stored;
        this.allowBackward = allowBackward;
        this.ownMarks = ownMarks;
        this.rollback = rollback;
    }

    /**
     * The hosts a rollback to {@code oldRelease} may send VMs to: up, running the old release, taking
     * VMs ({@link #takesVms}, the campaign's own marks counting as in service), and not being rolled
     * back now ({@code upgrading}).
     */
    static List<io.migplan.scheduler.snapshot.HostView> oldHosts(ClusterSnapshot snapshot, String oldRelease,
            Set<String> upgrading, String ownMarks) {
        OldReleaseTarget old = new OldReleaseTarget(oldRelease);
        List<io.migplan.scheduler.snapshot.HostView> out = new ArrayList<>();
        for (HostEntry e : snapshot.hosts()) {
            var h = e.view();
            if (h.isUp() && old.runsOld(h) && !upgrading.contains(h.id()) && takesVms(h, ownMarks)) {
                out.add(h);
            }
        }
        return out;
    }

    /** The VMs on the hosts of {@code scope} that are up, as the snapshot has them. */
    static List<VmRecord> vmsOn(ClusterSnapshot snapshot, Collection<String> scope) {
        List<VmRecord> out = new ArrayList<>();
        for (String h : scope) {
            snapshot.host(h).filter(e -> e.view().isUp()).ifPresent(e -> out.addAll(e.vms()));
        }
        return out;
    }

    /**
     * {@link HostStateFilter#takesVms}, with the campaign's one exception: a host it marked itself
     * ({@link #markedBy}) is still in service for it, so it may plan VMs onto a host it drains or
     * upgrades once that host is back. A host an operator or another campaign took out is not.
     */
    static boolean takesVms(io.migplan.scheduler.snapshot.HostView h, String ownMarks) {
        return HostStateFilter.takesVms(h) || (h.isUp() && markedBy(h, ownMarks));
    }

    /** Whether the host's admin reason is one of the campaign's own marks (none without marks). */
    static boolean markedBy(io.migplan.scheduler.snapshot.HostView h, String ownMarks) {
        return h.adminReason() != null && !ownMarks.isEmpty() && h.adminReason().startsWith(ownMarks);
    }

    /**
     * @param scope     the hosts still to upgrade (each at {@code from})
     * @param upgrading hosts being upgraded now, planned at {@code to}
     * @return the problem; {@code absent} names hosts of the scope left out because they are not up
     */
    Built build(String id, ClusterSnapshot snapshot, String from, String to, Collection<String> scope,
            Set<String> upgrading, Instant now) {
        Map<String, Integer> ranks = snapshot.releases().ranks();
        int toRank = ranks.values().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        List<HostSpec> hosts = new ArrayList<>();
        Map<String, HostEntry> up = new HashMap<>();
        List<CampaignVm> vms = new ArrayList<>();
        Map<String, VmRecord> records = new HashMap<>();
        for (HostEntry e : snapshot.hosts()) {
            if (!e.view().isUp()) {
                continue;
            }
            up.put(e.view().id(), e);
            HostSpec spec = EvacuationProblemBuilder.hostSpec(e.view(), ranks);
            if (upgrading.contains(spec.id())) {
                spec = spec.atRelease(to, ranks.getOrDefault(to, toRank));
            }
            hosts.add(spec);
            for (VmRecord vm : e.vms()) {
                if (records.containsKey(vm.uuid())) {
                    // Reported by two hosts (a migration's source has not reported yet): it counts
                    // against both hosts' room, and moves from the first.
                    continue;
                }
                PlacementRequest request = vm.request(now);
                vms.add(new CampaignVm(vm.uuid(), vm.name(), vm.host(), vm.vcpus(), vm.memoryMib(),
                        EvacuationProblemBuilder.devices(request, snapshot),
                        vm.devices().stream().map(DeviceRequest::sourceParent).toList(), vm.antiAffinityGroup()));
                records.put(vm.uuid(), vm);
            }
        }
        Set<String> inScope = new LinkedHashSet<>();
        Set<String> absent = new LinkedHashSet<>();
        for (String h : scope) {
            HostEntry e = up.get(h);
            if (e == null) {
                absent.add(h);
            } else if (Releases.compare(e.view().release(), from) == 0 && !upgrading.contains(h)) {
                inScope.add(h);
            }
        }
        VerdictBook book = verdicts(up, records.values(), inScope);
        Backward backward = null;
        Eligibility eligibility;
        if (rollback) {
            List<io.migplan.scheduler.snapshot.HostView> oldHosts = oldHosts(snapshot, to, upgrading, ownMarks);
            var cells = BackwardVerdicts.cells(vmsOn(snapshot, inScope), oldHosts);
            backward = new Backward(oldHosts, new BackwardVerdicts(cells.isEmpty() ? Map.of()
                    : Map.copyOf(stored.apply(List.copyOf(cells.keySet())))), to);
            eligibility = backwardEligibility(up, records, backward, upgrading);
        } else {
            eligibility = eligibility(up, records, book, upgrading, to);
        }
        return new Built(new CampaignProblem(id, hosts, vms, from, to, inScope, eligibility), book, records, absent,
                backward);
    }

    /** The valid stored verdicts for every type and signature of the VMs that move, on every host offering the type. */
    private VerdictBook verdicts(Map<String, HostEntry> up, Collection<VmRecord> vms, Set<String> scope) {
        Map<String, Set<String>> signaturesByType = new HashMap<>();
        for (VmRecord vm : vms) {
            if (scope.contains(vm.host())) {
                for (DeviceRequest d : vm.devices()) {
                    if (!d.sourceSignature().isEmpty()) {
                        signaturesByType.computeIfAbsent(d.typeId(), t -> new LinkedHashSet<>())
                                .add(d.sourceSignature());
                    }
                }
            }
        }
        List<MatrixKey> keys = new ArrayList<>();
        for (HostEntry e : up.values()) {
            signaturesByType.forEach((type, signatures) -> {
                for (ParentView p : e.view().parentsWith(type)) {
                    signatures.forEach(s -> keys.add(new MatrixKey(e.view().id(), p.address(), type, s)));
                }
            });
        }
        VerdictBook book = new VerdictBook();
        if (keys.isEmpty()) {
            return book;
        }
        stored.apply(keys).forEach((k, v) -> {
            var host = up.get(k.targetHost()).view();
            book.add(k.targetHost(), board(host), host.release(), k.targetTypeId(), k.sourceSignature(), v.verdict(),
                    v.code(), v.message());
        });
        return book;
    }

    /**
     * The eligibility of a rolling upgrade, memoised ({@link MemoisedEligibility}): the planner asks
     * it for every VM of a batch and every target with room, each round, so the product's answer
     * (state, release, types, verdicts) is worked out once per kind of VM and target rather than per
     * question.
     */
    private Eligibility eligibility(Map<String, HostEntry> up, Map<String, VmRecord> records, VerdictBook book,
            Set<String> upgrading, String to) {
        return new MemoisedEligibility(up, records, (facts, target) -> allows(up, book, upgrading, facts, target));
    }

    /**
     * Whether a VM of {@code facts} may move to {@code target} (as it will be then): the target takes
     * VMs, is not older, offers each device's type, and each device's verdict is compatible.
     */
    private boolean allows(Map<String, HostEntry> up, VerdictBook book, Set<String> upgrading,
            MemoisedEligibility.VmFacts facts, HostView target) {
        HostEntry t = up.get(target.id());
        if (t == null || !takesVms(t.view(), ownMarks)) {
            return false;
        }
        if (facts.unresolved()) {
            return false;
        }
        if (ReleaseDirectionFilter.isOlder(facts.sourceRelease(), target.release(), allowBackward)) {
            return false;
        }
        if (!DeviceTypePresentFilter.offersAll(t.view(), facts.types())) {
            return false;
        }
        boolean runsItNow = !upgrading.contains(target.id())
                && Releases.compare(t.view().release(), target.release()) == 0;
        for (MemoisedEligibility.Device d : facts.devices()) {
            if (!book.judge(d.type(), d.signature(), d.sourceBoard(), facts.sourceRelease(), target.id(),
                    target.deviceGroup(), target.release(), runsItNow).compatible()) {
                return false;
            }
        }
        return true;
    }

    /**
     * A rollback's eligibility: the target runs the old release now, takes VMs, offers each device's
     * type, and its own agent answered COMPATIBLE for each device ({@link BackwardVerdicts#accepts}).
     */
    private Eligibility backwardEligibility(Map<String, HostEntry> up, Map<String, VmRecord> records,
            Backward backward, Set<String> upgrading) {
        Set<String> targets = new java.util.HashSet<>();
        backward.oldHosts().forEach(h -> targets.add(h.id()));
        return (vm, source, target) -> {
            HostEntry t = up.get(target.id());
            if (t == null || !targets.contains(target.id()) || upgrading.contains(target.id())
                    || Releases.compare(t.view().release(), target.release()) != 0) {
                // Not at the old release now: a host rolled back later in this plan has not answered yet.
                return false;
            }
            VmRecord record = records.get(vm.uuid());
            if (record == null || record.unresolved() != null) {
                return false;
            }
            return DeviceTypePresentFilter.offersAll(t.view(), record.devices().stream().map(DeviceRequest::typeId)
                    .collect(java.util.stream.Collectors.toSet())) && backward.verdicts().accepts(t.view(), record);
        };
    }

    /**
     * Why a VM the planner found no host for cannot move: the first device whose verdict refuses
     * every host that offers its type, as that verdict's code and sentence; null when no verdict
     * rules it out.
     */
    static Reason explain(VmRecord vm, ClusterSnapshot snapshot, VerdictBook book, String to) {
        if (vm.unresolved() != null) {
            return new Reason(VerdictBook.NO_COMPATIBLE_TARGET, vm.unresolved());
        }
        HostEntry source = snapshot.host(vm.host()).orElse(null);
        for (DeviceRequest d : vm.devices()) {
            String sourceBoard = source == null ? "" : boardOf(source, d.sourceParent());
            VerdictBook.Judgement why = null;
            for (HostEntry t : snapshot.hosts()) {
                if (t.view().id().equals(vm.host()) || !DeviceTypePresentFilter.offers(t.view(), d.typeId())) {
                    continue;
                }
                var j = book.judge(d.typeId(), d.sourceSignature(), sourceBoard, vm.release(), t.view().id(),
                        board(t.view()), to, false);
                if (j.compatible()) {
                    why = null;
                    break;
                }
                why = why == null ? j : why;
            }
            if (why != null) {
                return new Reason(why.code(), why.why());
            }
        }
        return null;
    }

    /** A host's device group: the board of its first parent, empty without GPUs (as the planner groups hosts). */
    static String board(io.migplan.scheduler.snapshot.HostView h) {
        return h.parents().isEmpty() ? "" : h.parents().get(0).board();
    }

    /** The board of one parent of the host, or the host's device group when it reported no such parent. */
    static String boardOf(HostEntry host, String parent) {
        for (ParentView p : host.view().parents()) {
            if (p.address().equals(parent)) {
                return p.board();
            }
        }
        return board(host.view());
    }
}
