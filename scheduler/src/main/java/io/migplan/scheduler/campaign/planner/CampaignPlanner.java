package io.migplan.scheduler.campaign.planner;

import io.migplan.capacity.CapacityUnit;
import io.migplan.scheduler.campaign.planner.CampaignPlan.Batch;
import io.migplan.scheduler.campaign.planner.CampaignPlan.HostHold;
import io.migplan.scheduler.campaign.planner.CampaignPlan.Metrics;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan.Migration;
import io.migplan.scheduler.campaign.planner.CampaignPlan.Naive;
import io.migplan.scheduler.campaign.planner.CampaignPlan.Unmovable;
import io.migplan.scheduler.campaign.planner.CampaignProblem.HostView;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan;
import io.migplan.scheduler.error.Reason;
import io.migplan.scheduler.evacuation.planner.EvacuationPlanner;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.HostSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.TargetSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.VmSpec;
import io.migplan.scheduler.evacuation.planner.GreedyEvacuationPlanner;
import io.migplan.scheduler.evacuation.planner.PlanLimits;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Plans a rolling upgrade as a dry run: which hosts go out of service together, in which
 * order, and where their VMs go, so that VMs land on hosts already upgraded and move once.
 * Each batch's evacuation is planned by an evacuation planner (OptaPlanner by default) over
 * targets this class restricts; it simulates the fleet between batches with {@link FleetState}.
 * Beside it, the naive order (host by host in name order, release-unaware) is planned on the
 * same fleet for comparison.
 *
 * <p>It does not persist the campaign, run or reserve anything, probe compatibility or
 * re-plan when the world differs: eligibility is given, and the plan holds as long as the
 * fleet matches the problem.
 */
public final class CampaignPlanner {

    /**
     * Target hosts offered per VM: bounds the solver's value range on large fleets; the best
     * ones by release and free room are kept, and a VM left unplaced is offered the next best.
     */
    static final int MAX_TARGET_HOSTS = 48;
    /** Hosts of one device group tried as its canary before the group goes on without one. */
    static final int MAX_CANARY_TRIES = 3;
    /**
     * Emptiest hosts of a group screened for one whose VMs fit while nothing is upgraded: the
     * screen takes milliseconds, and past the emptiest ten the canary would move many VMs twice.
     */
    static final int CANARY_CANDIDATES = 10;
    /** Rounds per batch: each retries the VMs left unplaced with the targets recomputed. */
    static final int MAX_ROUNDS = 6;

    /** Which hosts a batch's VMs are offered. */
    enum Targets {
        /** Upgraded hosts only: a VM that finds no room there stays, and its host waits. */
        UPGRADED_ONLY,
        /** Upgraded hosts while one has room for the VM, else hosts still to upgrade (it will move again). */
        UPGRADED_FIRST,
        /** Every eligible host by free room alone, whatever its release: the naive order. */
        ANY
    }

    /** VMs whose candidates are the same while a problem is built: their eligibility's kind and their demands. */
    private record Kind(Object eligibility, int vcpus, long memoryMib, List<String> types) {
    }

    /** Plans one evacuation; the campaign planner calls it once per batch and round. */
    @FunctionalInterface
    public interface BatchPlanner {
        EvacuationPlan plan(EvacuationProblem problem, PlanLimits limits);
    }

    private final BatchPlanner planner;
    private final BatchPlanner naivePlanner = new GreedyEvacuationPlanner()::plan;
    /** Which hosts of a batch fit on upgraded hosts, before the batch is planned: first fit decreasing. */
    private static final GreedyEvacuationPlanner SCREEN = new GreedyEvacuationPlanner();

    /**
     * How long a batch's evacuation searches, counted in solver steps so that the same fleet and
     * policy give the same plan whatever the machine's load (no clock decides; the campaign's own
     * time limit may still stop a whole plan, between evacuations, and then says so).
     *
     * <p>Where the numbers come from: on {@code CampaignBench --hosts 1000} (seed 42, quiet
     * machine) the time termination this replaces ({@link PlanLimits#forProblem}, about 0.1 ms
     * per VM without improvement) ended local search 24 to 363 steps after the last improvement,
     * about one step per VM of the batch, at 6 to 30 steps per ms. Twice that, at least 256 steps
     * (a few ms), plans as well without the clock (docs/benchmarks.md); giving up while a VM is
     * unplaced takes three times as long, as the time limits do. Score calculations bound a batch
     * whose steps find no accepted move (a step searches until one is accepted, so on a handful of
     * VMs with nowhere better to go a step would never end): 1,000 per VM, where the batches there
     * took 10 to 700 per VM. Sizes are rounded up to a power of two, at least 16, so that solver
     * factories, cached per termination, stay few.
     */
    public static PlanLimits.Steps steps(int vms) {
        int size = Integer.highestOneBit(Math.max(16, vms) * 2 - 1);
        int unimproved = Math.max(256, 2 * size);
        return new PlanLimits.Steps(unimproved, 3 * unimproved, 1_000L * size);
    }

    public CampaignPlanner() {
        this(optaPlanner());
    }

    public CampaignPlanner(BatchPlanner planner) {
        this.planner = planner;
    }

    static BatchPlanner optaPlanner() {
        EvacuationPlanner p = new EvacuationPlanner();
        return (problem, limits) -> p.plan(problem, limits, progress -> {
        });
    }

    public CampaignPlan plan(CampaignProblem problem, CampaignPolicy policy) {
        long start = System.nanoTime();
        Run smart = new Run(problem, policy, planner, false);
        smart.execute();
        long smartMillis = (System.nanoTime() - start) / 1_000_000;
        long naiveStart = System.nanoTime();
        Run naive = new Run(problem, policy, naivePlanner, true);
        naive.execute();
        int vms = smart.movableVms;
        Naive naiveMetrics = new Naive(naive.migrationCount, ratio(naive.migrationCount, vms), naive.movedTwice(),
                naive.blocked.size(),
                (System.nanoTime() - naiveStart) / 1_000_000);
        int waves = smart.batches.stream().mapToInt(b -> b.migrations().stream().mapToInt(Migration::wave).max()
                .orElse(0)).sum();
        Metrics metrics = new Metrics(vms, smart.migrationCount, ratio(smart.migrationCount, vms), smart.movedTwice(),
                smart.canaryMovedTwice(), smart.batches.size(), waves, lowerBound(problem, smart),
                smart.blocked.size(), smartMillis, naiveMetrics);
        return new CampaignPlan(problem.id(), smart.batches, smart.unmovable, smart.heldBack, smart.blocked, metrics);
    }

    private static double ratio(int migrations, int vms) {
        return vms == 0 ? 0 : migrations / (double) vms;
    }

    /**
     * Every movable VM on a host in scope migrates at least once. Under same-board eligibility,
     * a device group with no host outside the scope and no empty host in scope must empty its
     * first host onto hosts still to upgrade: its GPU VMs move again, so the fewest GPU VMs on
     * one host of the group are added.
     */
    private static int lowerBound(CampaignProblem problem, Run run) {
        int bound = run.movableVms;
        FleetState initial = new FleetState(problem);
        Map<String, List<FleetState.Host>> groups = new TreeMap<>();
        for (FleetState.Host h : initial.hosts.values()) {
            groups.computeIfAbsent(h.group, g -> new ArrayList<>()).add(h);
        }
        for (var e : groups.entrySet()) {
            if (e.getKey().isEmpty() || e.getValue().stream().anyMatch(h -> !problem.scope().contains(h.id()))) {
                continue;
            }
            bound += e.getValue().stream().filter(h -> !run.heldBackHosts().contains(h.id()))
                    .mapToInt(h -> (int) initial.vmsOn(h.id()).stream().filter(v -> !v.base.devices().isEmpty()).count())
                    .min().orElse(0);
        }
        return bound;
    }

    /** One simulated campaign over its own copy of the fleet. */
    private static final class Run {
        final CampaignProblem problem;
        final CampaignPolicy policy;
        final BatchPlanner planner;
        final boolean naive;
        final FleetState state;
        final List<Batch> batches = new ArrayList<>();
        final List<Unmovable> unmovable = new ArrayList<>();
        final List<HostHold> heldBack = new ArrayList<>();
        final List<HostHold> blocked = new ArrayList<>();
        /** Hosts in scope that will never be upgraded: not targets, since VMs there would move again. */
        final Set<String> notUpgrading = new HashSet<>();
        final Set<String> canaryVms = new HashSet<>();
        final Map<String, Boolean> upgraded = new HashMap<>();
        int movableVms;
        int migrationCount;

        Run(CampaignProblem problem, CampaignPolicy policy, BatchPlanner planner, boolean naive) {
            this.problem = problem;
            this.policy = policy;
            this.planner = planner;
            this.naive = naive;
            this.state = new FleetState(problem);
        }

        Set<String> heldBackHosts() {
            Set<String> out = new HashSet<>();
            heldBack.forEach(h -> out.add(h.host()));
            return out;
        }

        int movedTwice() {
            return (int) state.vms.values().stream().filter(v -> v.moves > 1).count();
        }

        int canaryMovedTwice() {
            return (int) state.vms.values().stream().filter(v -> v.moves > 1 && canaryVms.contains(v.base.uuid()))
                    .count();
        }

        void execute() {
            List<String> scope = problem.scope().stream().sorted().toList();
            findUnmovable(scope);
            List<String> remaining = new ArrayList<>(scope);
            remaining.removeAll(notUpgrading);
            movableVms = remaining.stream().mapToInt(h -> state.vmsOn(h).size()).sum();
            if (naive) {
                for (String host : remaining) {
                    runBatch(List.of(host), false);
                }
                return;
            }
            List<String> canaries = canaries(remaining);
            remaining.removeAll(canaries);
            Map<String, Integer> canaryTries = new HashMap<>();
            while (!canaries.isEmpty()) {
                List<String> batch = pick(canaries, false);
                canaries.removeAll(batch);
                for (String h : batch) {
                    state.vmsOn(h).forEach(v -> canaryVms.add(v.base.uuid()));
                }
                runBatch(batch, true);
                // A canary that could not be emptied (it was left as it was) waits for a later batch,
                // when upgraded hosts may have room; the next emptiest host of its group tries instead.
                for (String h : batch) {
                    if (!notUpgrading.remove(h)) {
                        continue;
                    }
                    blocked.removeIf(b -> b.host().equals(h));
                    String group = state.hosts.get(h).group;
                    List<String> others = remaining.stream().filter(r -> state.hosts.get(r).group.equals(group))
                            .toList();
                    if (canaryTries.merge(group, 1, Integer::sum) < MAX_CANARY_TRIES && !others.isEmpty()) {
                        String next = canaryOf(others);
                        remaining.remove(next);
                        canaries.add(next);
                    }
                    remaining.add(h);
                }
            }
            while (!remaining.isEmpty()) {
                List<String> batch = pick(remaining, true);
                remaining.removeAll(batch);
                remaining.addAll(runBatch(batch, false));
            }
        }

        /** A VM with no eligible host anywhere, whatever room there is, holds its host back. */
        void findUnmovable(List<String> scope) {
            Map<String, HostView> finalViews = new HashMap<>();
            for (FleetState.Host h : state.hosts.values()) {
                HostView v = h.view();
                finalViews.put(h.id(), problem.scope().contains(h.id())
                        ? new HostView(v.id(), problem.toRelease(), v.deviceGroup(), v.failureDomain()) : v);
            }
            for (String host : scope) {
                HostView source = state.hosts.get(host).view();
                List<String> stuck = new ArrayList<>();
                // VMs of one kind on this host have the same answer for every other host.
                Map<Object, Boolean> anyByKind = new HashMap<>();
                for (FleetState.Vm vm : state.vmsOn(host)) {
                    boolean any = anyByKind.computeIfAbsent(problem.eligibility().kind(vm.base, source),
                            k -> finalViews.values().stream().anyMatch(t -> !t.id().equals(host)
                                    && problem.eligibility().allows(vm.base, source, t)));
                    if (!any) {
                        unmovable.add(new Unmovable(vm.base.name(), vm.base.uuid(), host, List.of(new Reason(
                                "NO_ELIGIBLE_HOST", "no host of the fleet, at the release it will run, is eligible for "
                                        + vm.base.name() + " (device group " + (source.deviceGroup().isEmpty() ? "none"
                                                : source.deviceGroup()) + ", release " + source.release() + ")"))));
                        stuck.add(vm.base.name());
                    }
                }
                if (!stuck.isEmpty()) {
                    notUpgrading.add(host);
                    heldBack.add(new HostHold(host, List.of(new Reason("UNMOVABLE_VMS",
                            host + " runs VMs that cannot move anywhere: " + stuck))));
                }
            }
        }

        /** Per device group, its canary ({@link #canaryOf}). */
        List<String> canaries(List<String> remaining) {
            Map<String, List<String>> byGroup = new TreeMap<>();
            for (String h : remaining) {
                byGroup.computeIfAbsent(state.hosts.get(h).group, g -> new ArrayList<>()).add(h);
            }
            return new ArrayList<>(byGroup.values().stream().map(this::canaryOf).sorted().toList());
        }

        /**
         * The emptiest host of a group (fewest VMs, then the least used CPU, then name) whose VMs
         * first fit decreasing places now, among the {@link #CANARY_CANDIDATES} emptiest; else the
         * emptiest. With mixed vGPU sizes the host with the fewest VMs is often the one with the
         * largest, which no GPU of the group has room for while nothing is upgraded.
         */
        String canaryOf(List<String> group) {
            List<String> ordered = group.stream().sorted(emptiest()).toList();
            return ordered.stream().limit(CANARY_CANDIDATES)
                    .filter(h -> screen(List.of(h), Targets.UPGRADED_FIRST).isEmpty()).findFirst()
                    .orElse(ordered.get(0));
        }

        Comparator<String> emptiest() {
            return Comparator.<String>comparingInt(h -> state.vmsOn(h).size())
                    .thenComparingInt(h -> state.hosts.get(h).usedCpus).thenComparing(h -> h);
        }

        /**
         * The next batch: emptiest hosts first, within the maintenance and failure-domain limits,
         * taking a host only while its VMs fit in the room upgraded hosts of its group still
         * have (see {@link Room}); if no host fits,
         * the emptiest alone, whose VMs then fall back to hosts still to upgrade.
         */
        List<String> pick(List<String> candidates, boolean needRoom) {
            List<String> ordered = candidates.stream().sorted(emptiest()).toList();
            Map<String, Room> rooms = needRoom ? rooms() : Map.of();
            List<String> batch = new ArrayList<>();
            Map<String, Integer> perDomain = new HashMap<>();
            for (String h : ordered) {
                if (batch.size() >= policy.maxHostsInMaintenance()) {
                    break;
                }
                String domain = state.hosts.get(h).base.failureDomain();
                if (perDomain.getOrDefault(domain, 0) >= policy.maxPerFailureDomain()) {
                    continue;
                }
                if (needRoom) {
                    Room room = rooms.computeIfAbsent(state.hosts.get(h).group, g -> new Room());
                    if (!room.take(state.vmsOn(h))) {
                        continue;
                    }
                }
                batch.add(h);
                perDomain.merge(domain, 1, Integer::sum);
            }
            if (batch.isEmpty()) {
                batch.add(ordered.get(0));
            }
            return batch;
        }

        Map<String, Room> rooms() {
            Map<String, Room> rooms = new HashMap<>();
            for (FleetState.Host h : state.hosts.values()) {
                if (!isUpgraded(h) || notUpgrading.contains(h.id())) {
                    continue;
                }
                Room room = rooms.computeIfAbsent(h.group, g -> new Room());
                room.cpus += Math.max(0, h.freeCpus(policy.headroomPercent()));
                room.memory += Math.max(0, h.freeMemory(policy.headroomPercent()));
                h.units.values().forEach(room::add);
            }
            return rooms;
        }

        boolean isUpgraded(FleetState.Host h) {
            return upgraded.computeIfAbsent(h.release, r -> CampaignProblem.reached(r, problem.fromRelease(),
                    problem.toRelease()));
        }

        /**
         * Empties the batch's hosts, then upgrades those emptied. Outside canary batches, onto
         * upgraded hosts only ({@link Targets#UPGRADED_ONLY}): first fit decreasing screens the
         * batch (milliseconds, where a solver run that cannot place every VM searches until it gives
         * up), and a host whose VMs it does not all place there is deferred to a later batch, its VMs
         * left where they are: room on upgraded hosts grows with every host upgraded, so waiting beats
         * moving VMs twice or blocking the host. The same holds for a host the solver then does not
         * empty, as long as another host of the batch was emptied. When no host fits, the one with
         * the fewest VMs left over goes on alone ({@link Targets#UPGRADED_FIRST}: hosts still to
         * upgrade for what does not fit) and the others are deferred. Returns the hosts deferred.
         */
        List<String> runBatch(List<String> hosts, boolean canary) {
            List<String> deferred = new ArrayList<>();
            Targets first = naive ? Targets.ANY : Targets.UPGRADED_FIRST;
            if (!naive && !canary) {
                Map<String, Integer> left = screen(hosts, Targets.UPGRADED_ONLY);
                List<String> fit = hosts.stream().filter(h -> !left.containsKey(h)).toList();
                List<String> go = !fit.isEmpty() ? fit : List.of(hosts.stream()
                        .min(Comparator.<String>comparingInt(left::get).thenComparing(emptiest())).orElseThrow());
                first = !fit.isEmpty() ? Targets.UPGRADED_ONLY : Targets.UPGRADED_FIRST;
                hosts.stream().filter(h -> !go.contains(h)).forEach(deferred::add);
                hosts = go;
            }
            BatchWork work = new BatchWork(hosts);
            work.rounds(hosts, first);
            if (first == Targets.UPGRADED_ONLY) {
                List<String> full = hosts.stream().filter(h -> !state.vmsOn(h).isEmpty()).toList();
                if (!full.isEmpty()) {
                    List<String> alone = full.size() < hosts.size() ? List.of()
                            : List.of(full.stream().min(Comparator.<String>comparingInt(h -> state.vmsOn(h).size())
                                    .thenComparing(emptiest())).orElseThrow());
                    for (String h : full) {
                        if (!alone.contains(h)) {
                            work.putBack(h);
                            deferred.add(h);
                        }
                    }
                    if (!alone.isEmpty()) {
                        work.rounds(alone, Targets.UPGRADED_FIRST);
                    }
                }
            }
            List<String> emptied = new ArrayList<>();
            for (String h : hosts) {
                if (deferred.contains(h)) {
                    continue;
                }
                List<FleetState.Vm> left = state.vmsOn(h);
                if (left.isEmpty()) {
                    state.hosts.get(h).release = problem.toRelease();
                    emptied.add(h);
                } else {
                    notUpgrading.add(h);
                    List<Reason> reasons = new ArrayList<>();
                    for (FleetState.Vm v : left) {
                        for (Reason r : work.lastReasons.getOrDefault(v.base.uuid(), List.of())) {
                            reasons.add(new Reason(r.code(), v.base.name() + ": " + r.message()));
                        }
                    }
                    if (reasons.isEmpty()) {
                        reasons.add(new Reason("NOT_EMPTIED", h + " still runs " + left.size() + " VMs"));
                    }
                    blocked.add(new HostHold(h, reasons));
                    // A host that stays is left as it was: moving some of its VMs would gain nothing.
                    work.putBack(h);
                }
            }
            if (!emptied.isEmpty() || !work.migrations.isEmpty()) {
                batches.add(new Batch(batches.size() + 1, emptied, canary, work.migrations));
            }
            return deferred;
        }

        /**
         * Hosts of {@code hosts} whose VMs first fit decreasing leaves unplaced on {@code targets}, all
         * of the batch's VMs placed together, with how many each: a test in milliseconds before the
         * solver (which places at least what first fit decreasing does: its construction is one).
         */
        Map<String, Integer> screen(List<String> hosts, Targets targets) {
            List<FleetState.Vm> pending = new ArrayList<>();
            hosts.forEach(h -> pending.addAll(state.vmsOn(h)));
            pending.sort(Comparator.<FleetState.Vm, String>comparing(v -> v.base.name())
                    .thenComparing(v -> v.base.uuid()));
            EvacuationProblem problem = evacuation(batches.size() + 1, 0, pending, new LinkedHashSet<>(hosts),
                    targets);
            Map<String, Integer> left = new HashMap<>();
            SCREEN.unplaced(problem).forEach(uuid -> left.merge(state.vms.get(uuid).host, 1, Integer::sum));
            return left;
        }

        /** The migrations of the batch being planned, and how to take back those of a host that stays. */
        final class BatchWork {
            final Set<String> evacuating;
            final List<Migration> migrations = new ArrayList<>();
            final Map<String, List<Reason>> lastReasons = new TreeMap<>();
            /** Where each VM of the batch runs now, to put back the VMs of a host that is not emptied. */
            final Map<String, List<String>> origin = new HashMap<>();
            int waveOffset;
            int round;

            BatchWork(List<String> hosts) {
                evacuating = new LinkedHashSet<>(hosts);
                hosts.forEach(h -> state.vmsOn(h).forEach(v -> origin.put(v.base.uuid(), v.parents)));
            }

            /**
             * Plans the VMs still on {@code hosts} round by round (at most {@link #MAX_ROUNDS}): each
             * round offers the VMs left unplaced recomputed targets. Upgraded-first rounds open every
             * eligible host once a round places nothing.
             */
            void rounds(List<String> hosts, Targets targets) {
                evacuating.retainAll(hosts);
                for (int r = 1; r <= MAX_ROUNDS; r++) {
                    List<FleetState.Vm> pending = new ArrayList<>();
                    hosts.forEach(h -> pending.addAll(state.vmsOn(h)));
                    if (pending.isEmpty()) {
                        break;
                    }
                    pending.sort(Comparator.<FleetState.Vm, String>comparing(v -> v.base.name())
                            .thenComparing(v -> v.base.uuid()));
                    EvacuationProblem evacuation = evacuation(batches.size() + 1, ++round, pending, evacuating,
                            targets);
                    EvacuationPlan plan = planner.plan(evacuation, limits(pending.size()));
                    int maxWave = 0;
                    for (EvacuationPlan.Migration m : plan.migrations()) {
                        state.migrate(m.vmUuid(), m.to(), m.devices());
                        FleetState.Vm vm = state.vms.get(m.vmUuid());
                        migrations.add(new Migration(m.vm(), m.vmUuid(), m.from(), m.to(), vm.parents, m.types(),
                                waveOffset + m.wave()));
                        maxWave = Math.max(maxWave, m.wave());
                    }
                    migrationCount += plan.migrations().size();
                    waveOffset += maxWave;
                    lastReasons.clear();
                    plan.unplaced().forEach(u -> lastReasons.put(u.vmUuid(), u.reasons()));
                    if (plan.migrations().isEmpty()) {
                        if (targets != Targets.UPGRADED_FIRST) {
                            break;
                        }
                        targets = Targets.ANY;
                    }
                }
            }

            /** The VMs that left {@code host} in this batch go back where they were; their migrations are dropped. */
            void putBack(String host) {
                for (var it = migrations.iterator(); it.hasNext(); ) {
                    Migration m = it.next();
                    if (m.from().equals(host)) {
                        state.migrate(m.vmUuid(), host, origin.get(m.vmUuid()));
                        state.vms.get(m.vmUuid()).moves -= 2;
                        migrationCount--;
                        it.remove();
                    }
                }
            }
        }

        PlanLimits limits(int vms) {
            return PlanLimits.forProblem(vms).withSteps(steps(vms))
                    .withWaveLimits(policy.maxOutboundPerHost(), policy.maxInboundPerHost(), policy.maxParallel());
        }

        /**
         * The batch's VMs with their targets. Restricted: hosts already at the new release when
         * any has room for the VM, else hosts still to upgrade (the VM will move again). The
         * naive run offers every eligible host by free room alone.
         */
        EvacuationProblem evacuation(int batch, int round, List<FleetState.Vm> pending, Set<String> evacuating,
                Targets offered) {
            Map<String, HostSpec> used = new LinkedHashMap<>();
            Comparator<FleetState.Host> order = Comparator.comparingDouble(FleetState.Host::freeShare).reversed()
                    .thenComparing(FleetState.Host::id);
            if (offered != Targets.ANY) {
                order = Comparator.<FleetState.Host, Boolean>comparing(h -> !isUpgraded(h)).thenComparing(order);
            }
            List<FleetState.Host> targets = state.hosts.values().stream()
                    .filter(h -> !evacuating.contains(h.id()) && !notUpgrading.contains(h.id())).sorted(order).toList();
            int headroom = policy.headroomPercent();
            List<VmSpec> specs = new ArrayList<>();
            // Nothing changes while the problem is built: VMs of one kind and demands have the same candidates.
            Map<Kind, List<TargetSpec>> candidates = new HashMap<>();
            for (FleetState.Vm vm : pending) {
                FleetState.Host src = state.hosts.get(vm.host);
                HostView source = src.view();
                Kind kind = new Kind(problem.eligibility().kind(vm.base, source), vm.base.vcpus(), vm.base.memoryMib(),
                        vm.base.devices().stream().map(d -> d.typeId()).toList());
                List<TargetSpec> eligible = candidates.computeIfAbsent(kind,
                        k -> candidates(vm, source, targets, offered, headroom, used));
                List<Reason> reasons = eligible.isEmpty() ? List.of(new Reason("NO_ROOM", "no eligible host has room for "
                        + vm.base.vcpus() + " vCPUs, " + vm.base.memoryMib() + " MiB and devices " + kind.types()))
                        : List.of();
                specs.add(new VmSpec(vm.base.uuid(), vm.base.name(), src.id(), vm.base.vcpus(), vm.base.memoryMib(),
                        vm.base.devices(), vm.base.antiAffinityGroup(), src.base.failureDomain(), eligible, reasons));
            }
            for (String h : evacuating) {
                FleetState.Host src = state.hosts.get(h);
                used.put(h, src.spec(state.rank(src.release), 0));
            }
            return new EvacuationProblem(problem.id() + (naive ? "-naive" : "") + "-b" + batch + "-r" + round,
                    new ArrayList<>(used.values()), specs, evacuating);
        }

        /**
         * Where {@code vm} may land now: per target host in {@code targets}' order, one landing per way
         * it takes the VM's devices, at most {@link #MAX_TARGET_HOSTS} hosts; restricted offers stop at
         * the first host not upgraded once an upgraded one was taken. Each host taken is added to
         * {@code used} as the problem's target.
         */
        List<TargetSpec> candidates(FleetState.Vm vm, HostView source, List<FleetState.Host> targets, Targets offered,
                int headroom, Map<String, HostSpec> used) {
            boolean restricted = offered != Targets.ANY;
            List<TargetSpec> eligible = new ArrayList<>();
            int hostsTaken = 0;
            boolean upgradedTaken = false;
            // Upgraded hosts come first, so once one has room the rest are never offered.
            for (FleetState.Host t : targets) {
                if (hostsTaken >= MAX_TARGET_HOSTS) {
                    break;
                }
                boolean upgraded = isUpgraded(t);
                if (restricted && upgradedTaken && !upgraded || offered == Targets.UPGRADED_ONLY && !upgraded) {
                    break;
                }
                if (t.freeCpus(headroom) < vm.base.vcpus() || t.freeMemory(headroom) < vm.base.memoryMib()
                        || !problem.eligibility().allows(vm.base, source, t.view())) {
                    continue;
                }
                List<List<String>> landings = t.landings(vm.base);
                if (landings.isEmpty()) {
                    continue;
                }
                hostsTaken++;
                upgradedTaken |= upgraded;
                landings.forEach(l -> eligible.add(new TargetSpec(t.id(), l)));
                used.computeIfAbsent(t.id(), id -> t.spec(state.rank(t.release), headroom));
            }
            return List.copyOf(eligible);
        }
    }

    /**
     * Free room of a device group's upgraded hosts, spent as hosts join a batch. Devices are
     * counted per unit by the capacity model: what units already in use still take of each type,
     * plus empty units, each good for what an empty one takes of the type. CPU and memory are
     * pooled over the hosts, so it is an estimate: the evacuation planner decides, and may still
     * fall back.
     */
    private static final class Room {
        int cpus;
        long memory;
        int emptyUnits;
        final Map<String, Integer> free = new HashMap<>();
        final Map<String, Integer> maxPerUnit = new HashMap<>();

        void add(FleetState.Unit unit) {
            CapacityUnit c = unit.capacity;
            for (int t = 0; t < c.typeCount(); t++) {
                if (c.maxInstances(t) <= 0) {
                    continue;
                }
                if (c.usedInstances() == 0) {
                    maxPerUnit.merge(c.typeId(t), c.headroom(t), Math::min);
                } else {
                    maxPerUnit.merge(c.typeId(t), c.maxInstances(t), Math::min);
                    free.merge(c.typeId(t), c.headroom(t), Integer::sum);
                }
            }
            if (c.usedInstances() == 0) {
                emptyUnits++;
            }
        }

        boolean take(List<FleetState.Vm> vms) {
            int needCpus = 0;
            long needMemory = 0;
            Map<String, Integer> need = new TreeMap<>();
            for (FleetState.Vm v : vms) {
                needCpus += v.base.vcpus();
                needMemory += v.base.memoryMib();
                v.base.devices().forEach(d -> need.merge(d.typeId(), 1, Integer::sum));
            }
            if (needCpus > cpus || needMemory > memory) {
                return false;
            }
            int units = 0;
            Map<String, Integer> fromFree = new HashMap<>();
            for (var e : need.entrySet()) {
                int own = Math.min(e.getValue(), free.getOrDefault(e.getKey(), 0));
                fromFree.put(e.getKey(), own);
                int rest = e.getValue() - own;
                if (rest > 0) {
                    Integer max = maxPerUnit.get(e.getKey());
                    if (max == null) {
                        return false;
                    }
                    int opened = (rest + max - 1) / max;
                    units += opened;
                    // What the opened GPUs hold beyond this host's VMs is free for the next host.
                    fromFree.put(e.getKey(), own - (opened * max - rest));
                }
            }
            if (units > emptyUnits) {
                return false;
            }
            cpus -= needCpus;
            memory -= needMemory;
            emptyUnits -= units;
            fromFree.forEach((t, n) -> free.merge(t, -n, Integer::sum));
            return true;
        }
    }
}
