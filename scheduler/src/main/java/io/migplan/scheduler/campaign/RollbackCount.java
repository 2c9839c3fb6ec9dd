package io.migplan.scheduler.campaign;

import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.campaign.CampaignStore.HostRow;
import io.migplan.scheduler.campaign.CampaignStore.MigrationRow;
import io.migplan.scheduler.campaign.RollbackView.BatchFigures;
import io.migplan.scheduler.campaign.RollbackView.Figures;
import io.migplan.scheduler.campaign.RollbackView.VersionRange;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.compatibility.VerdictMeaning;
import io.migplan.scheduler.error.Reason;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.evacuation.EvacuationProblemBuilder;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.VmSpec;
import io.migplan.scheduler.evacuation.planner.GreedyEvacuationPlanner;
import io.migplan.scheduler.placement.TargetFinder;
import io.migplan.scheduler.placement.filter.AntiAffinityFilter;
import io.migplan.scheduler.placement.filter.HostFilter;
import io.migplan.scheduler.placement.filter.HostStateFilter;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.PlacementRequest.SourceFacts;
import io.migplan.scheduler.snapshot.Releases;
import io.migplan.scheduler.snapshot.VmRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Counts a campaign's way back from its rows, the cluster snapshot and the stored verdicts; it
 * reads nothing else and asks no agent. The VMs counted are those on a host at the new release
 * that the campaign moved there (a DONE migration to the host they run on: its batch) or that run
 * on a host of the campaign (the batch that host was upgraded in). Where they could go back: hosts at
 * the old release that take VMs now ({@link HostStateFilter#takesVms}) or that this campaign itself
 * took out of placement ({@link CampaignProblemBuilder#takesVms}: stopping it puts them back), except
 * those it is upgrading now. Per VM:
 *
 * <ul>
 * <li>some such host accepts every device's state (its agent answered COMPATIBLE on a parent offering
 * the type) -> the VM goes to the room count;</li>
 * <li>else some host refused none of the devices (cells unasked, or the agent's own UNKNOWN) ->
 * UNKNOWN, never possible;</li>
 * <li>else INCOMPATIBLE, with the first refusal's code and sentence (or no old host offers the type).</li>
 * </ul>
 *
 * Room is not counted here: the VMs that passed go through {@link EvacuationProblemBuilder} (the
 * evacuation's filters, with anti-affinity left to the planner, plus {@link OldReleaseTarget}, on
 * stored verdicts only) and the greedy evacuation planner's capacity arithmetic ({@link
 * GreedyEvacuationPlanner#unplaced}), so rollback room is the room an evacuation plan would find.
 * A VM left unplaced is NO_ROOM.
 */
final class RollbackCount {

    /** VMs the view lists by name at most; the figures count them all. */
    static final int MAX_LISTED = 100;

    static final String POSSIBLE = BackwardVerdicts.POSSIBLE;
    static final String INCOMPATIBLE = BackwardVerdicts.INCOMPATIBLE;
    static final String NO_ROOM = "NO_ROOM";
    static final String UNKNOWN = BackwardVerdicts.UNKNOWN;

    /** Reason codes of the listed VMs. */
    static final String BACKWARD_UNKNOWN = BackwardVerdicts.BACKWARD_UNKNOWN;
    static final String NO_OLD_RELEASE_TARGET = BackwardVerdicts.NO_OLD_RELEASE_TARGET;

    static final String RANGE_NOT_KNOWN = "the stored verdicts carry no version range: an agent answers one source"
            + " signature at a time (COMPATIBLE, INCOMPATIBLE or UNKNOWN), so which vGPU versions on upgraded hosts"
            + " would keep the way back open is not known; the signatures accepted and refused back are listed";

    /** A VM on the new release and the batch that brought it there. */
    record Mover(VmRecord vm, int batch) {
    }

    /** A campaign as the count reads it. */
    record Campaign(String id, String state, String from, String to) {
    }

    private final Campaign campaign;
    private final ClusterSnapshot snapshot;
    private final OldReleaseTarget old;
    private final List<Mover> movers;
    private final List<HostView> oldHosts;
    /** Every backward cell of every mover's devices, with the facts of a source holding its signature. */
    private final Map<MatrixKey, SourceFacts> cells;
    private final Map<MatrixKey, StoredVerdict> stored;
    /** The rule every backward move is judged by, over {@link #stored}. */
    private final BackwardVerdicts backward;

    /**
     * @param stored the valid stored verdicts among the keys given (never asks an agent)
     */
    RollbackCount(Campaign campaign, List<HostRow> hosts, List<MigrationRow> migrations, ClusterSnapshot snapshot,
            Function<Collection<MatrixKey>, Map<MatrixKey, StoredVerdict>> stored) {
        this.campaign = campaign;
        this.old = new OldReleaseTarget(campaign.from());
        this.movers = movers(campaign, hosts, migrations, snapshot);
        this.oldHosts = new ArrayList<>();
        Set<String> upgrading = new HashSet<>();
        hosts.forEach(h -> {
            if (h.state().equals("UPGRADING")) {
                upgrading.add(h.host());
            }
        });
        String ownMarks = CampaignRunner.adminReasonPrefix(campaign.id());
        Map<String, UnaryOperator<HostView>> returned = new HashMap<>();
        for (HostEntry e : snapshot.hosts()) {
            HostView h = e.view();
            if (!old.runsOld(h) || upgrading.contains(h.id()) || !CampaignProblemBuilder.takesVms(h, ownMarks)) {
                continue;
            }
            if (!HostStateFilter.takesVms(h)) {
                // Drained by this campaign: stopping it (abort) puts the host back in placement first.
                returned.put(h.id(), RollbackCount::backInPlacement);
                h = backInPlacement(h);
            }
            oldHosts.add(h);
        }
        this.snapshot = returned.isEmpty() ? snapshot : snapshot.withViews(returned);
        this.cells = BackwardVerdicts.cells(movers.stream().map(Mover::vm).toList(), oldHosts);
        this.stored = cells.isEmpty() ? Map.of() : Map.copyOf(stored.apply(List.copyOf(cells.keySet())));
        this.backward = new BackwardVerdicts(this.stored);
    }

    /**
     * The VMs on a host at the new release that the campaign moved there or that run on one of its
     * hosts, in batch order then by host and name; a VM two hosts report is counted once.
     */
    static List<Mover> movers(Campaign c, List<HostRow> hosts, List<MigrationRow> migrations,
            ClusterSnapshot snapshot) {
        Map<String, Integer> hostBatch = new HashMap<>();
        hosts.forEach(h -> {
            if (h.batch() != null) {
                hostBatch.put(h.host(), h.batch());
            }
        });
        // The latest DONE migration of each VM, by VM and the host it went to.
        Map<String, Integer> landedIn = new HashMap<>();
        for (MigrationRow m : migrations) {
            if (m.state().equals("DONE")) {
                landedIn.merge(m.vmUuid() + "\n" + m.to(), m.batch(), Math::max);
            }
        }
        List<Mover> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (HostEntry e : snapshot.hosts()) {
            HostView h = e.view();
            if (h.release() == null || Releases.compare(h.release(), c.to()) != 0) {
                continue;
            }
            for (VmRecord vm : e.vms()) {
                Integer batch = landedIn.get(vm.uuid() + "\n" + h.id());
                if (batch == null) {
                    batch = hostBatch.get(h.id());
                }
                if (batch != null && seen.add(vm.uuid())) {
                    out.add(new Mover(vm, batch));
                }
            }
        }
        out.sort(java.util.Comparator.comparingInt(Mover::batch).thenComparing(m -> m.vm().host())
                .thenComparing(m -> m.vm().name()).thenComparing(m -> m.vm().uuid()));
        return out;
    }

    /** A host this campaign took out of placement, as it is once the campaign is stopped: active again. */
    static HostView backInPlacement(HostView v) {
        return new HostView(v.id(), v.state(), v.lastHeartbeatAt(), v.cpus(), v.memoryMib(), v.usedCpus(),
                v.usedMemoryMib(), v.agentEndpoint(), v.parents(), v.generation(), v.release(), v.failureDomain(),
                AdminState.ACTIVE, "", v.antiAffinityGroups(), v.allocation());
    }

    /** The backward cells no agent has answered at its host's current generation, each with its source's facts. */
    Map<MatrixKey, SourceFacts> unasked() {
        Map<MatrixKey, SourceFacts> out = new LinkedHashMap<>();
        cells.forEach((k, f) -> {
            if (!stored.containsKey(k)) {
                out.put(k, f);
            }
        });
        return out;
    }

    /** Hosts at the old release that take VMs now, by id. */
    Map<String, HostView> oldHosts() {
        Map<String, HostView> out = new TreeMap<>();
        oldHosts.forEach(h -> out.put(h.id(), h));
        return out;
    }

    /** The view: per batch, in total, the VMs that cannot go back or are unknown, and what is known of versions. */
    RollbackView view(Instant now) {
        Map<String, String> verdictOf = new HashMap<>();
        Map<String, List<Reason>> why = new HashMap<>();
        List<Mover> compatible = new ArrayList<>();
        for (Mover m : movers) {
            BackwardVerdicts.Judged j = backward.judge(m.vm(), oldHosts, campaign.from());
            verdictOf.put(m.vm().uuid(), j.verdict());
            why.put(m.vm().uuid(), j.reasons());
            if (j.verdict().equals(POSSIBLE)) {
                compatible.add(m);
            }
        }
        // Room, as an evacuation of the new-release hosts would find it on the old ones.
        Map<String, VmSpec> specs = new HashMap<>();
        EvacuationProblem problem = null;
        if (!compatible.isEmpty()) {
            Set<String> sources = new TreeSet<>();
            compatible.forEach(m -> sources.add(m.vm().host()));
            problem = new EvacuationProblemBuilder(filters(), keys -> stored.isEmpty() ? Map.of() : only(keys),
                    batches -> Map.of()).build("rollback-" + campaign.id(), snapshot, sources, now);
            problem.vms().forEach(v -> specs.put(v.uuid(), v));
        }
        TreeMap<Integer, List<Mover>> byBatch = new TreeMap<>();
        movers.forEach(m -> byBatch.computeIfAbsent(m.batch(), b -> new ArrayList<>()).add(m));
        List<BatchFigures> batches = new ArrayList<>();
        Integer strands = null;
        Integer unknownFrom = null;
        List<VmSpec> upToHere = new ArrayList<>();
        Set<String> unplacedNow = Set.of();
        for (var e : byBatch.entrySet()) {
            for (Mover m : e.getValue()) {
                if (verdictOf.get(m.vm().uuid()).equals(POSSIBLE) && specs.containsKey(m.vm().uuid())) {
                    upToHere.add(specs.get(m.vm().uuid()));
                }
            }
            unplacedNow = upToHere.isEmpty() ? Set.of() : new HashSet<>(new GreedyEvacuationPlanner().unplaced(
                    new EvacuationProblem(problem.id(), problem.hosts(), upToHere, problem.evacuating())));
            Figures f = figures(e.getValue(), verdictOf, unplacedNow, specs);
            batches.add(new BatchFigures(e.getKey(), f));
            if (strands == null && f.cannot() > 0) {
                strands = e.getKey();
            }
            if (unknownFrom == null && f.unknown() > 0) {
                unknownFrom = e.getKey();
            }
        }
        // The last run counted every VM: a rollback now.
        Figures total = figures(movers, verdictOf, unplacedNow, specs);
        List<RollbackView.Vm> listed = new ArrayList<>();
        int notListed = 0;
        for (Mover m : movers) {
            String v = finalVerdict(m, verdictOf, unplacedNow, specs);
            if (v.equals(POSSIBLE)) {
                continue;
            }
            if (listed.size() == MAX_LISTED) {
                notListed++;
                continue;
            }
            List<Reason> reasons = v.equals(NO_ROOM) ? List.of(noRoom(m.vm())) : why.get(m.vm().uuid());
            listed.add(new RollbackView.Vm(m.vm().name(), m.vm().uuid(), m.vm().host(), m.batch(), v, reasons));
        }
        return new RollbackView(campaign.id(), campaign.state(), campaign.from(), campaign.to(), oldHosts.size(),
                batches, total, strands, unknownFrom, listed, notListed, versionRange());
    }

    private Map<MatrixKey, StoredVerdict> only(Collection<MatrixKey> keys) {
        Map<MatrixKey, StoredVerdict> out = new HashMap<>();
        keys.forEach(k -> {
            StoredVerdict v = stored.get(k);
            if (v != null) {
                out.put(k, v);
            }
        });
        return out;
    }

    /**
     * The evacuation's per-VM filters (anti-affinity is the planner's, across VMs), backward allowed,
     * old hosts only.
     */
    private List<HostFilter> filters() {
        List<HostFilter> out = new ArrayList<>(TargetFinder.cheapFilters(true).stream()
                .filter(f -> !(f instanceof AntiAffinityFilter)).toList());
        out.add(0, old);
        return out;
    }

    private static String finalVerdict(Mover m, Map<String, String> verdictOf, Set<String> unplaced,
            Map<String, VmSpec> specs) {
        String v = verdictOf.get(m.vm().uuid());
        if (v.equals(POSSIBLE) && (unplaced.contains(m.vm().uuid()) || !specs.containsKey(m.vm().uuid()))) {
            return NO_ROOM;
        }
        return v;
    }

    private static Figures figures(List<Mover> ms, Map<String, String> verdictOf, Set<String> unplaced,
            Map<String, VmSpec> specs) {
        int possible = 0;
        int incompatible = 0;
        int noRoom = 0;
        int unknown = 0;
        for (Mover m : ms) {
            switch (finalVerdict(m, verdictOf, unplaced, specs)) {
                case POSSIBLE -> possible++;
                case INCOMPATIBLE -> incompatible++;
                case NO_ROOM -> noRoom++;
                default -> unknown++;
            }
        }
        return new Figures(ms.size(), possible, incompatible + noRoom, incompatible, noRoom, unknown);
    }

    private Reason noRoom(VmRecord vm) {
        return new Reason(NO_ROOM, "VM " + vm.name() + " on " + vm.host() + ": the hosts at release " + campaign.from()
                + " whose agents accept its state have no room for it beside the VMs going back before it"
                + " (CPU, memory or free instances, counted as an evacuation plan counts them)");
    }

    private VersionRange versionRange() {
        TreeSet<String> accepted = new TreeSet<>();
        TreeSet<String> refused = new TreeSet<>();
        Set<String> anyAnswer = new HashSet<>();
        stored.forEach((k, v) -> {
            String sig = k.targetTypeId() + " " + k.sourceSignature();
            if (VerdictMeaning.compatible(v.verdict())) {
                accepted.add(sig);
            } else if (v.verdict() == Verdict.VERDICT_INCOMPATIBLE) {
                anyAnswer.add(sig);
            }
        });
        anyAnswer.forEach(s -> {
            if (!accepted.contains(s)) {
                refused.add(s);
            }
        });
        return new VersionRange(false, null, RANGE_NOT_KNOWN, List.copyOf(accepted), List.copyOf(refused));
    }
}
