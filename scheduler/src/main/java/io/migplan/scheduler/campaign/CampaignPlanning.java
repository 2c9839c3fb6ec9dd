package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.CampaignStore.CampaignRow;
import io.migplan.scheduler.campaign.planner.CampaignPlan;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan;
import io.migplan.scheduler.evacuation.planner.EvacuationPlanner;
import io.migplan.scheduler.campaign.planner.CampaignPlanner;
import io.migplan.scheduler.campaign.planner.CampaignPlanner.BatchPlanner;
import io.migplan.scheduler.campaign.planner.CampaignPolicy;
import io.migplan.scheduler.campaign.CampaignStore.HostRow;
import io.migplan.scheduler.campaign.CampaignStore.MigrationRow;
import io.migplan.scheduler.campaign.CampaignStore.Settings;
import io.migplan.scheduler.campaign.VerdictBook.Basis;
import io.migplan.scheduler.compatibility.Verdicts;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.snapshot.Releases;
import io.migplan.scheduler.error.Reason;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.VmRecord;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import java.util.LinkedHashSet;
import java.util.TreeMap;
import io.migplan.scheduler.evacuation.EvacuationProblemBuilder;
import io.migplan.scheduler.evacuation.PlanService;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem;
import io.migplan.scheduler.evacuation.planner.PlanLimits;

/**
 * Plans (and re-plans) a campaign's remaining work from the cluster snapshot and writes the
 * plan as rows: hosts with their batch, migrations with what they rely on. Computing and writing
 * are two steps, so that no lock or transaction is held while the solver runs:
 * <ul>
 * <li>{@link #compute} is pure: it reads the snapshot it is given and the stored verdicts (the
 * compatibility matrix's cache, loaded by a short read of its own), and opens no transaction;</li>
 * <li>{@link #write} runs in the caller's short transaction: it locks the campaign's row and
 * writes the plan only if the campaign is still at the plan version the plan was computed
 * against (Placement's generation check: read, decide outside any lock, write if unchanged).</li>
 * </ul>
 * {@link #planAndWrite} does both, again from a newer snapshot when another writer won, a bounded
 * number of times. {@link #plan} computes and writes inside the caller's transaction, for a caller
 * that holds the campaign's row anyway.
 */
@ApplicationScoped
class CampaignPlanning {

    /** Attempts of {@link #planAndWrite} before it gives up: each lost one means another writer won. */
    static final int MAX_ATTEMPTS = 3;

    /**
     * Rounds of backward questions a rollback's plan asks before it is computed, each of at most
     * {@link RollbackService#HOSTS_PER_PROBE} hosts and one batch of {@code migplan.matrix.batch-size}
     * questions per host (as one {@code POST …/rollback/probe} call): 64 old hosts' worth of cells
     * per plan. What is still unasked after them is unknown to this plan (no target); a later plan
     * asks again.
     */
    static final int BACKWARD_ASK_ROUNDS = 4;

    /** The latest plan's lists and figures, as the campaign row keeps them (batches are rows). */
    record StoredPlan(List<CampaignView.Unmovable> unmovable, List<CampaignView.HostNote> heldBack,
            List<CampaignView.HostNote> blocked, CampaignView.Metrics metrics) {
    }

    /** A plan written: how many hosts it batched and migrations it planned. */
    record Written(StoredPlan plan, int batchedHosts, int migrations) {
    }

    /**
     * What to plan, read from a campaign at plan version {@code baseVersion}: {@code scope} (hosts
     * still to upgrade) with {@code upgrading} hosts taken at the new release, batches numbered
     * after {@code batchOffset}.
     */
    record Inputs(int baseVersion, ClusterSnapshot snapshot, String from, String to, Settings settings,
            Collection<String> scope, Set<String> upgrading, int batchOffset, CampaignKind kind) {

        /** What to plan for a rolling upgrade. */
        Inputs(int baseVersion, ClusterSnapshot snapshot, String from, String to, Settings settings,
                Collection<String> scope, Set<String> upgrading, int batchOffset) {
            this(baseVersion, snapshot, from, to, settings, scope, upgrading, batchOffset, CampaignKind.UPGRADE);
        }
    }

    /** A plan computed and not written yet: its rows and lists, to become plan {@code version}. */
    record Computed(int baseVersion, int version, List<HostRow> hosts, List<MigrationRow> migrations, StoredPlan plan,
            int batchedHosts) {

        Written written() {
            return new Written(plan, batchedHosts, migrations.size());
        }
    }

    /** Reads what to plan now (short reads of its own, no transaction left open); called once per attempt. */
    @FunctionalInterface
    interface InputSource {
        Inputs read();
    }

    /** What else the write's transaction does once the plan is written (the campaign's state, an event). */
    @FunctionalInterface
    interface AfterWrite {
        void wrote(CampaignRow campaign, Computed plan);
    }

    /** Another writer changed the campaign's plan version since the plan was computed against it. */
    static final class StalePlanException extends RuntimeException {
        StalePlanException(String message) {
            super(message, null, false, false);
        }
    }

    @Inject
    CampaignStore store;
    @Inject
    Verdicts verdicts;
    @Inject
    Clock clock;
    @Inject
    MigplanConfig config;

    private final EvacuationPlanner evacuations = new EvacuationPlanner();
    /** Wraps the batch planner of every plan computed; the identity but in tests that need a slow or failing one. */
    private volatile UnaryOperator<BatchPlanner> batchPlanners = UnaryOperator.identity();

    /**
     * Plans {@code in} as plan {@code baseVersion + 1} of {@code campaign}, opening no transaction.
     * {@code watch} sees each batch evacuation and may stop the plan by throwing.
     */
    Computed compute(String campaign, Inputs in, PlanWatch watch, Instant now) {
        if (in.kind() == CampaignKind.EVACUATION) {
            return computeEvacuation(campaign, in, watch, now);
        }
        if (in.kind() == CampaignKind.ROLLBACK) {
            askBackward(campaign, in);
        }
        ClusterSnapshot snapshot = in.snapshot();
        return compute(campaign, in, keys -> verdicts.stored(snapshot, keys),
                batchPlanners.apply(watch.around(evacuations)), now);
    }

    /**
     * A rollback's plan asks first: the backward cells of the VMs in scope on the hosts at the old
     * release that no agent has answered at its current generation are asked of those hosts' agents
     * ({@link RollbackService#ask}, the rollback probe's path), at most {@link #BACKWARD_ASK_ROUNDS}
     * rounds, stopping early once nothing is unasked or a round got no answer. No lock or transaction
     * is held; answers are stored as every probe's are, so the computation reads them.
     */
    private void askBackward(String campaign, Inputs in) {
        ClusterSnapshot snapshot = in.snapshot();
        Map<String, io.migplan.scheduler.snapshot.HostView> old = new TreeMap<>();
        CampaignProblemBuilder.oldHosts(snapshot, in.to(), in.upgrading(), CampaignRunner.adminReasonPrefix(campaign))
                .forEach(h -> old.put(h.id(), h));
        var cells = BackwardVerdicts.cells(CampaignProblemBuilder.vmsOn(snapshot, in.scope()), old.values());
        for (int round = 0; round < BACKWARD_ASK_ROUNDS && !cells.isEmpty(); round++) {
            Map<MatrixKey, StoredVerdict> known = verdicts.stored(snapshot, cells.keySet());
            Map<MatrixKey, io.migplan.scheduler.snapshot.PlacementRequest.SourceFacts> unasked = new java.util.LinkedHashMap<>();
            cells.forEach((k, f) -> {
                if (!known.containsKey(k)) {
                    unasked.put(k, f);
                }
            });
            if (unasked.isEmpty()) {
                return;
            }
            if (RollbackService.ask(verdicts, snapshot, unasked, old, config.matrix().batchSize()).answered() == 0) {
                return;
            }
        }
    }

    /**
     * {@link #compute(String, Inputs, PlanWatch, Instant)} with the stored verdicts given as
     * {@code known} and the batch evacuations solved by {@code batches}: reads nothing but what it
     * is given, so a plan made offline from a fleet file is this same computation.
     */
    static Computed compute(String campaign, Inputs in, Function<Collection<MatrixKey>, Map<MatrixKey, StoredVerdict>> known,
            BatchPlanner batches, Instant now) {
        int version = in.baseVersion() + 1;
        ClusterSnapshot snapshot = in.snapshot();
        boolean rollback = in.kind() == CampaignKind.ROLLBACK;
        CampaignProblemBuilder builder = new CampaignProblemBuilder(known, in.settings().allowBackward(),
                CampaignRunner.adminReasonPrefix(campaign), rollback);
        CampaignProblemBuilder.Built built = builder.build(campaign + "-v" + version, snapshot, in.from(), in.to(),
                in.scope(), in.upgrading(), now);
        Settings settings = in.settings();
        CampaignPolicy policy = new CampaignPolicy(settings.maxHostsInMaintenance(), settings.maxPerFailureDomain(),
                settings.maxOutboundPerHost(), settings.maxInboundPerHost(), settings.maxParallel(),
                settings.headroomPercent());
        CampaignPlan plan = new CampaignPlanner(batches).plan(built.problem(), policy);

        List<HostRow> hosts = new ArrayList<>();
        List<MigrationRow> migrations = new ArrayList<>();
        Map<String, Integer> batchOf = new HashMap<>();
        int seq = 0;
        for (CampaignPlan.Batch b : plan.batches()) {
            int index = in.batchOffset() + b.index();
            for (String h : b.hosts()) {
                hosts.add(new HostRow(h, index, b.canary(), "PENDING", ""));
                batchOf.put(h, index);
            }
        }
        for (CampaignPlan.Batch b : plan.batches()) {
            int index = in.batchOffset() + b.index();
            for (EvacuationPlan.Migration m : b.migrations()) {
                // A rollback's targets all rest on their own agents' answers.
                Basis basis = rollback ? (m.devices().isEmpty() ? null : Basis.PROBED)
                        : basis(built, snapshot, m, index, batchOf, in.upgrading(), in.to());
                migrations.add(new MigrationRow(campaign + "-" + version + "-" + (++seq), version,
                        index, m.wave(), m.vm(), m.vmUuid(), m.from(), m.to(), m.devices(), m.types(), "PLANNED",
                        basis == null ? "NOT_NEEDED" : basis.name(), List.of(), "", false, null, ""));
            }
        }
        List<CampaignView.HostNote> backBlocked = new ArrayList<>();
        if (rollback) {
            // A host whose VMs cannot all go back is BLOCKED, each such VM with why (INCOMPATIBLE, UNKNOWN, NO_ROOM).
            List<CampaignPlan.HostHold> holds = new ArrayList<>(plan.heldBack());
            holds.addAll(plan.blocked());
            for (CampaignPlan.HostHold h : holds) {
                List<Reason> why = backwardReasons(built, h);
                hosts.add(new HostRow(h.host(), null, false, "BLOCKED", sentence(why)));
                backBlocked.add(new CampaignView.HostNote(h.host(), why));
            }
        }
        for (CampaignPlan.HostHold h : rollback ? List.<CampaignPlan.HostHold>of() : plan.heldBack()) {
            hosts.add(new HostRow(h.host(), null, false, "HELD_BACK", sentence(h.reasons())));
        }
        for (CampaignPlan.HostHold h : rollback ? List.<CampaignPlan.HostHold>of() : plan.blocked()) {
            hosts.add(new HostRow(h.host(), null, false, "BLOCKED", sentence(h.reasons())));
        }
        for (String h : built.absent()) {
            String state = snapshot.host(h).map(e -> e.view().state().name()).orElse("unknown to the scheduler");
            hosts.add(new HostRow(h, null, false, "WAITING", "host " + h + " is " + state
                    + "; it is planned once it is up again"));
        }
        StoredPlan stored = stored(plan, uuid -> {
            VmRecord record = built.vms().get(uuid);
            if (record == null) {
                return null;
            }
            return rollback ? backwardReason(built.backward().judge(record))
                    : CampaignProblemBuilder.explain(record, snapshot, built.verdicts(), in.to());
        });
        if (rollback) {
            stored = new StoredPlan(stored.unmovable(), List.of(), List.copyOf(backBlocked), stored.metrics());
        }
        return new Computed(in.baseVersion(), version, List.copyOf(hosts), List.copyOf(migrations), stored,
                batchOf.size());
    }

    /**
     * An evacuation's plan: one batch of every host of the scope that is up, emptied at once by one
     * evacuation plan onto the hosts outside the scope ({@link EvacuationProblemBuilder}, with the
     * placement filters of every evacuation, {@link PlanService#filters}, and the compatibility
     * matrix, asking the agents what it lacks), its waves within the policy's limits. A host with
     * a VM the plan could not place is left out of the batch, BLOCKED, with each such VM and why;
     * a host not up is WAITING. Nothing is upgraded, so every basis is the target's own answer.
     */
    private Computed computeEvacuation(String campaign, Inputs in, PlanWatch watch, Instant now) {
        int version = in.baseVersion() + 1;
        ClusterSnapshot snapshot = in.snapshot();
        Settings s = in.settings();
        Set<String> up = new LinkedHashSet<>();
        List<String> absent = new ArrayList<>();
        for (String h : in.scope()) {
            if (snapshot.host(h).map(e -> e.view().isUp()).orElse(false)) {
                up.add(h);
            } else {
                absent.add(h);
            }
        }
        long start = System.nanoTime();
        EvacuationProblem problem = new EvacuationProblemBuilder(PlanService.filters(s.allowBackward()),
                keys -> verdicts.stored(snapshot, keys), batches -> verdicts.askByCell(snapshot, batches))
                .build(campaign + "-v" + version, snapshot, up, now);
        int vms = problem.vms().size();
        PlanLimits limits = PlanLimits.forProblem(vms).withSteps(CampaignPlanner.steps(vms))
                .withWaveLimits(s.maxOutboundPerHost(), s.maxInboundPerHost(), s.maxParallel());
        EvacuationPlan plan = batchPlanners.apply(watch.around(evacuations)).plan(problem, limits);
        long millis = (System.nanoTime() - start) / 1_000_000;

        Map<String, List<Reason>> stuck = new TreeMap<>();
        List<CampaignView.Unmovable> unmovable = new ArrayList<>();
        for (EvacuationPlan.Unplaced u : plan.unplaced()) {
            unmovable.add(new CampaignView.Unmovable(u.vm(), u.vmUuid(), u.from(), u.reasons()));
            stuck.computeIfAbsent(u.from(), h -> new ArrayList<>()).add(new Reason("UNMOVABLE_VMS", "VM " + u.vm()
                    + " has nowhere to go: " + sentence(u.reasons())));
        }
        List<HostRow> hosts = new ArrayList<>();
        List<String> batch = up.stream().filter(h -> !stuck.containsKey(h)).toList();
        int index = in.batchOffset() + 1;
        batch.forEach(h -> hosts.add(new HostRow(h, index, false, "PENDING", "")));
        stuck.forEach((h, why) -> hosts.add(new HostRow(h, null, false, "BLOCKED", sentence(why))));
        for (String h : absent) {
            String state = snapshot.host(h).map(e -> e.view().state().name()).orElse("unknown to the scheduler");
            hosts.add(new HostRow(h, null, false, "WAITING", "host " + h + " is " + state
                    + "; it is planned once it is up again"));
        }
        // A host blocked keeps its VMs: none of them moves, so none moves twice.
        List<MigrationRow> migrations = new ArrayList<>();
        int seq = 0;
        Set<String> batched = Set.copyOf(batch);
        for (EvacuationPlan.Migration m : plan.migrations()) {
            if (batched.contains(m.from())) {
                migrations.add(new MigrationRow(campaign + "-" + version + "-" + (++seq), version, index, m.wave(),
                        m.vm(), m.vmUuid(), m.from(), m.to(), m.devices(), m.types(), "PLANNED",
                        m.devices().isEmpty() ? "NOT_NEEDED" : Basis.PROBED.name(), List.of(), "", false, null, ""));
            }
        }
        int waves = migrations.stream().mapToInt(MigrationRow::wave).max().orElse(0);
        int moving = migrations.size();
        double perVm = moving == 0 ? 0 : 1.0;
        CampaignView.Metrics metrics = new CampaignView.Metrics(moving, moving, perVm, 0, batch.isEmpty() ? 0 : 1,
                waves, moving, stuck.size(), millis, new CampaignView.Naive(moving, perVm, 0, stuck.size()));
        List<CampaignView.HostNote> blocked = stuck.entrySet().stream().map(e -> new CampaignView.HostNote(e.getKey(),
                e.getValue())).toList();
        return new Computed(in.baseVersion(), version, List.copyOf(hosts), List.copyOf(migrations),
                new StoredPlan(unmovable, List.of(), blocked, metrics), batch.size());
    }

    /**
     * Writes {@code plan} in the caller's transaction if {@code campaign} is still at the plan
     * version it was computed against: its hosts and migrations, and the campaign row's plan and
     * version; then {@code after}, in the same transaction. Returns the row as it was locked.
     *
     * @throws StalePlanException when another writer changed the plan version meanwhile; nothing
     *                            was written (the caller's transaction may still be committed)
     */
    CampaignRow write(String campaign, Computed plan, Instant now, AfterWrite after) {
        CampaignRow row = store.lock(campaign);
        if (row.planVersion() != plan.baseVersion()) {
            throw new StalePlanException("campaign " + campaign + " is at plan version " + row.planVersion()
                    + ", not " + plan.baseVersion() + " as when this plan was computed");
        }
        writeRows(campaign, plan);
        store.setPlan(campaign, plan.version(), store.write(plan.plan()), now);
        after.wrote(row, plan);
        return row;
    }

    /**
     * Reads what to plan, computes it with no transaction open and writes it in one short
     * transaction ({@link #write}); when another writer changed the campaign meanwhile, reads and
     * computes again (from the snapshot of that moment), at most {@link #MAX_ATTEMPTS} times.
     *
     * @throws StalePlanException when every attempt lost to another writer
     */
    Computed planAndWrite(String campaign, InputSource source, PlanWatch watch, AfterWrite after) {
        StalePlanException last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Inputs in = source.read();
            Computed plan = compute(campaign, in, watch, clock.instant());
            try {
                QuarkusTransaction.requiringNew().run(() -> write(campaign, plan, clock.instant(), after));
                return plan;
            } catch (StalePlanException e) {
                last = e;
            }
        }
        throw new StalePlanException(last.getMessage() + "; gave up after " + MAX_ATTEMPTS + " attempts, each"
                + " overtaken by another change of the campaign");
    }

    /** For tests: every batch evacuation of plans computed from now on goes through {@code wrap}. */
    void wrapBatchPlanners(UnaryOperator<BatchPlanner> wrap) {
        batchPlanners = wrap;
    }

    /** The rows of a computed plan, in the caller's transaction. */
    private void writeRows(String campaign, Computed plan) {
        plan.hosts().forEach(h -> store.upsertHost(campaign, h));
        plan.migrations().forEach(m -> store.insertMigration(campaign, m));
    }

    /**
     * The weakest ground among the VM's devices for its target: the target at the release it
     * runs when the migration's batch starts.
     */
    private static Basis basis(CampaignProblemBuilder.Built built, ClusterSnapshot snapshot, EvacuationPlan.Migration m,
            int batch, Map<String, Integer> batchOf, Set<String> upgrading, String to) {
        VmRecord vm = built.vms().get(m.vmUuid());
        if (vm == null || vm.devices().isEmpty()) {
            return null;
        }
        HostEntry target = snapshot.host(m.to()).orElseThrow();
        HostEntry source = snapshot.host(vm.host()).orElseThrow();
        boolean upgradedBefore = upgrading.contains(m.to()) || batchOf.getOrDefault(m.to(), Integer.MAX_VALUE) < batch;
        String release = upgradedBefore ? to : target.view().release();
        boolean runsItNow = !upgrading.contains(m.to()) && Releases.compare(target.view().release(), release) == 0;
        Basis weakest = Basis.PROBED;
        for (var d : vm.devices()) {
            String sourceBoard = CampaignProblemBuilder.boardOf(source, d.sourceParent());
            Basis b = built.verdicts().judge(d.typeId(), d.sourceSignature(), sourceBoard, source.view().release(),
                    m.to(), CampaignProblemBuilder.board(target.view()), release, runsItNow).basis();
            if (b.compareTo(weakest) > 0) {
                weakest = b;
            }
        }
        return weakest;
    }

    /**
     * The plan's lists and figures; each unmovable VM gets the verdict that rules it out, when one
     * does ({@code explain} is given the VM's UUID).
     */
    private static StoredPlan stored(CampaignPlan plan,
            java.util.function.Function<String, Reason> explain) {
        var m = plan.metrics();
        List<CampaignView.Unmovable> unmovable = new ArrayList<>();
        for (CampaignPlan.Unmovable u : plan.unmovable()) {
            List<Reason> why = new ArrayList<>(u.reasons());
            Reason verdict = explain.apply(u.vmUuid());
            if (verdict != null) {
                why.add(verdict);
            }
            unmovable.add(new CampaignView.Unmovable(u.vm(), u.vmUuid(), u.host(), why));
        }
        return new StoredPlan(unmovable,
                plan.heldBack().stream().map(h -> new CampaignView.HostNote(h.host(), h.reasons())).toList(),
                plan.blocked().stream().map(h -> new CampaignView.HostNote(h.host(), h.reasons())).toList(),
                new CampaignView.Metrics(m.vms(), m.migrations(), m.migrationsPerVm(), m.movedTwice(), m.batches(),
                        m.waves(), m.lowerBound(), m.blocked(), m.planMillis(), new CampaignView.Naive(
                                m.naive().migrations(), m.naive().migrationsPerVm(), m.naive().movedTwice(),
                                m.naive().blocked())));
    }

    /**
     * Why the VMs of a host a rollback cannot empty stay: per VM, INCOMPATIBLE or UNKNOWN as the
     * rollback view judges it ({@link BackwardVerdicts#judge}), or NO_ROOM for a VM some old host
     * accepts but the plan found no room for (the planner names it in the host's reasons). VMs that
     * could go but stay with their host are not listed.
     */
    private static List<Reason> backwardReasons(CampaignProblemBuilder.Built built, CampaignPlan.HostHold hold) {
        List<Reason> out = new ArrayList<>();
        List<VmRecord> vms = built.vms().values().stream().filter(v -> v.host().equals(hold.host()))
                .sorted(java.util.Comparator.comparing(VmRecord::name).thenComparing(VmRecord::uuid)).toList();
        for (VmRecord vm : vms) {
            BackwardVerdicts.Judged j = built.backward().judge(vm);
            if (!j.verdict().equals(BackwardVerdicts.POSSIBLE)) {
                out.add(new Reason(j.verdict(), "VM " + vm.name() + ": " + sentence(j.reasons())));
                continue;
            }
            hold.reasons().stream().filter(r -> r.message().startsWith(vm.name() + ": ")).findFirst().ifPresent(r ->
                    out.add(new Reason(RollbackCount.NO_ROOM, "VM " + vm.name() + ": the hosts at release "
                            + built.backward().oldRelease() + " whose agents accept its state have no room for it ("
                            + r.code() + ": " + r.message().substring(vm.name().length() + 2) + ")")));
        }
        return out.isEmpty() ? hold.reasons() : out;
    }

    /** A backward judgement as one reason: the verdict as its code, the first reason's code and words as its message. */
    private static Reason backwardReason(BackwardVerdicts.Judged j) {
        if (j.verdict().equals(BackwardVerdicts.POSSIBLE)) {
            return null;
        }
        return new Reason(j.verdict(), sentence(j.reasons()));
    }

    private static String sentence(List<Reason> reasons) {
        return String.join("; ", reasons.stream().map(r -> r.code() + ": " + r.message()).toList());
    }
}
