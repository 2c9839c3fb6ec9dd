package io.migplan.scheduler.campaign;

import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.entry;
import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.gpuVm;
import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.said;
import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.snapshot;
import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.t4;
import static io.migplan.scheduler.campaign.SettlementTest.scan;
import static io.migplan.scheduler.testsupport.Views.withState;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.proto.v1.Host;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.Verdict;
import io.migplan.proto.v1.Vm;
import io.migplan.scheduler.campaign.CampaignStore.CampaignRow;
import io.migplan.scheduler.campaign.CampaignStore.HostRow;
import io.migplan.scheduler.campaign.CampaignStore.MigrationRow;
import io.migplan.scheduler.campaign.CampaignStore.Settings;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.testsupport.Views;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A campaign step as a function: the campaign's rows, a hand-built snapshot, the evidence and the
 * time in; the decisions out, recorded as lines. One test per trigger. The world: host src (at
 * 2025.1, being emptied) runs vm-a, planned onto dst (upgraded to 2025.2) as migration m-1.
 */
class CampaignStepTest {

    static final String FROM = "2025.1";
    static final String TO = "2025.2";
    static final Instant NOW = Views.NOW;
    static final String PARENT = "0000:3b:00.0";
    static final MatrixKey M1_KEY = new MatrixKey("dst", PARENT, "nvidia-231", Views.SIG);

    /** One step's inputs, changed test by test. */
    static final class World {
        String replanReason;
        CampaignKind kind = CampaignKind.UPGRADE;
        /** The orchestrator a step hands work to; null for a step that hands nothing out (a tick). */
        String issueTo = "orch";
        /** Whether the runner says it is time to plan again the hosts an evacuation could not empty. */
        boolean retryStuck;
        final Map<String, HostRow> hosts = new HashMap<>();
        final List<MigrationRow> open = new ArrayList<>();
        /** Planned migrations of later batches. */
        final List<CampaignStore.PlannedMove> later = new ArrayList<>();
        final Map<String, HostEntry> entries = new HashMap<>();
        final Map<String, FreshScans.Scan> scans = new HashMap<>();
        final Map<MatrixKey, StoredVerdict> verdicts = new HashMap<>();
        final RecordedEffects out = new RecordedEffects();

        World() {
            hosts.put("src", new HostRow("src", 1, false, "DRAINING", ""));
            hosts.put("dst", new HostRow("dst", null, false, "DONE", ""));
            entries.put("src", entry(t4("src", FROM), gpuVm("vm-a", "src")));
            entries.put("dst", entry(t4("dst", TO)));
            open.add(migration("PLANNED", null, List.of()));
            verdicts.put(M1_KEY, said(Verdict.VERDICT_COMPATIBLE, "", ""));
        }

        static MigrationRow migration(String state, Instant deadline, List<Long> claims) {
            return new MigrationRow("m-1", 1, 1, 1, "vm-a", "uuid-vm-a", "src", "dst", List.of(PARENT), List.of("nvidia-231"),
                    state, "PROBED", claims, "", false, deadline, state.equals("PLANNED") ? "" : "orch");
        }

        World host(String id, String state) {
            Integer batch = hosts.containsKey(id) ? hosts.get(id).batch() : Integer.valueOf(1);
            hosts.put(id, new HostRow(id, batch, false, state, ""));
            return this;
        }

        World migrationIs(String state, Instant deadline, List<Long> claims) {
            open.clear();
            open.add(migration(state, deadline, claims));
            return this;
        }

        CampaignStep step() {
            return step(LaterBatches.of(later));
        }

        /** A step over later batches' moves as kept from an earlier step. */
        CampaignStep step(LaterBatches kept) {
            Settings settings = new Settings(List.of("src"), 1, 1, 2, 2, 8, 0, false, false, 1, 600, 600);
            boolean evacuation = kind == CampaignKind.EVACUATION;
            CampaignRow c = new CampaignRow(evacuation ? "evacuation-1" : "c-1", "RUNNING", evacuation ? "" : FROM,
                    evacuation ? "" : TO, settings, replanReason, 1, "orch", NOW.plusSeconds(60), null,
                    NOW.minusSeconds(3600), kind, evacuation ? "BIOS update" : "");
            ClusterSnapshot snapshot = snapshot(entries.values().toArray(HostEntry[]::new));
            return new CampaignStep(new CampaignStep.Input(c, List.copyOf(hosts.values()), List.copyOf(open),
                    kept, snapshot, NOW, Lease.of(c), issueTo, scans, Map.of(), keys -> {
                        Map<MatrixKey, StoredVerdict> found = new HashMap<>();
                        keys.forEach(k -> {
                            if (verdicts.containsKey(k)) {
                                found.put(k, verdicts.get(k));
                            }
                        });
                        return found;
                    }, Duration.ofMinutes(2), retryStuck), out);
        }

        List<String> effects() {
            return out.effects;
        }
    }

    @Test
    void aPlannedMigrationToACompatibleTargetIsIssuedToTheLeaseHolder() {
        World w = new World();
        CampaignStep step = w.step().advance().issue();
        assertThat(w.effects()).contains("issue m-1 to orch");
        NextStep next = step.result("RUNNING", false);
        assertThat(next.start()).extracting(NextStep.Action::id).containsExactly("m-1");
        assertThat(next.start().get(0).deadline()).isEqualTo(NOW.plusSeconds(600));
        assertThat(next.leaseHolder()).isEqualTo("orch");
    }

    @Test
    void aTargetTheCampaignDoesNotWorkOnTakesItsVmsAndOneItWorksOnDoesNot() {
        for (String idle : List.of("PENDING", "DONE", "BLOCKED", "HELD_BACK")) {
            World w = new World().host("dst", idle);
            w.step().advance().issue();
            assertThat(w.effects()).as("a " + idle + " target").contains("issue m-1 to orch");
        }
        for (String busy : List.of("DRAINING", "READY_TO_UPGRADE", "UPGRADING")) {
            World w = new World().host("dst", busy);
            // Not at the new release yet, so the step does not finish its upgrade first.
            w.entries.put("dst", entry(t4("dst", FROM)));
            NextStep next = w.step().advance().issue().result("RUNNING", false);
            assertThat(w.effects()).as("a " + busy + " target").noneMatch(e -> e.startsWith("issue"));
            assertThat(next.waiting()).contains("target dst of VM vm-a is " + busy + " in this campaign");
        }
    }

    @Test
    void aReportedFailureReplansOnceNothingIsInFlight() {
        World w = new World();
        w.replanReason = "migration m-0 of VM vm-z src -> dst failed: test";
        CampaignStep step = w.step().advance();
        assertThat(step.replanDue()).isEqualTo(w.replanReason);
        step.issue();
        assertThat(w.effects()).noneMatch(e -> e.startsWith("issue"));
        assertThat(step.result("RUNNING", false).waiting()).anySatisfy(s -> assertThat(s)
                .isEqualTo("re-planning the rest: " + w.replanReason));

        World inFlight = new World().migrationIs("ISSUED", NOW.plusSeconds(60), List.of(7L));
        inFlight.replanReason = w.replanReason;
        assertThat(inFlight.step().advance().replanDue()).as("not while a migration is in flight").isNull();
    }

    @Test
    void aMigrationPastItsDeadlineIsSettledFromTheScansOrTheScansAreAskedFor() {
        World noScans = new World().migrationIs("ISSUED", NOW.minusSeconds(1), List.of(7L));
        noScans.step().advance();
        assertThat(noScans.out.wantedScans).containsExactlyInAnyOrder("src", "dst");
        assertThat(noScans.effects()).noneMatch(e -> e.startsWith("migration m-1"));

        World onSource = new World().migrationIs("ISSUED", NOW.minusSeconds(1), List.of(7L));
        onSource.scans.put("src", scan("src", "vm-a"));
        onSource.scans.put("dst", scan("dst"));
        onSource.step().advance();
        assertThat(onSource.effects()).anySatisfy(e -> assertThat(e).startsWith("migration m-1 ISSUED -> FAILED:")
                .contains("still on its source src"));
        assertThat(onSource.effects()).anySatisfy(e -> assertThat(e).startsWith("replan: migration m-1"));

        // On its target: done, settled at once when the reports agree, else when they do.
        World onTarget = new World().migrationIs("ISSUED", NOW.minusSeconds(1), List.of(7L));
        onTarget.entries.put("src", entry(t4("src", FROM)));
        onTarget.entries.put("dst", entry(t4("dst", TO), gpuVm("vm-a", "dst")));
        onTarget.scans.put("src", scan("src"));
        onTarget.scans.put("dst", scan("dst", "vm-a"));
        onTarget.step().advance();
        assertThat(onTarget.effects()).contains("migration m-1 ISSUED -> DONE", "settle m-1");
        assertThat(onTarget.effects()).noneMatch(e -> e.startsWith("replan"));

        World reportsLag = new World().migrationIs("ISSUED", NOW.minusSeconds(1), List.of(7L));
        reportsLag.scans.put("src", scan("src"));
        reportsLag.scans.put("dst", scan("dst", "vm-a"));
        reportsLag.step().advance();
        assertThat(reportsLag.effects()).contains("migration m-1 ISSUED -> DONE");
        assertThat(reportsLag.effects()).as("not settled, and no VM taken for appeared, before the reports agree")
                .noneMatch(e -> e.startsWith("settle") || e.startsWith("replan"));

        World notYet = new World().migrationIs("ISSUED", NOW.plusSeconds(1), List.of(7L));
        notYet.step().advance();
        assertThat(notYet.out.wantedScans).isEmpty();
        assertThat(notYet.effects()).noneMatch(e -> e.startsWith("migration m-1"));
    }

    @Test
    void aDoneMigrationTheReportsShowIsSettledAndAStepHandingNothingOutSaysSo() {
        World tick = new World().migrationIs("DONE", NOW.plusSeconds(60), List.of(7L));
        tick.issueTo = null;
        tick.entries.put("src", entry(t4("src", FROM)));
        tick.entries.put("dst", entry(t4("dst", TO), gpuVm("vm-a", "dst")));
        CampaignStep settled = tick.step().advance();
        assertThat(tick.effects()).contains("settle m-1",
                "event MIGRATIONS_SETTLED: 1 migration seen on its target in the hosts' reports (VM vm-a)");
        assertThat(settled.awaitedSettlements()).as("nothing left to wait for").isEmpty();

        World next = new World().migrationIs("DONE", NOW.plusSeconds(60), List.of(7L));
        next.entries.put("src", entry(t4("src", FROM)));
        next.entries.put("dst", entry(t4("dst", TO), gpuVm("vm-a", "dst")));
        next.step().advance();
        assertThat(next.effects()).as("the orchestrator asking reads it in the answer").contains("settle m-1")
                .noneMatch(e -> e.startsWith("event MIGRATIONS_SETTLED"));

        World lagging = new World().migrationIs("DONE", NOW.plusSeconds(60), List.of(7L));
        lagging.issueTo = null;
        CampaignStep waiting = lagging.step().advance();
        assertThat(lagging.effects()).noneMatch(e -> e.startsWith("settle") || e.startsWith("event MIGRATIONS"));
        assertThat(waiting.awaitedSettlements()).as("both hosts' next reports may settle it")
                .containsExactlyInAnyOrder("src", "dst");
    }

    @Test
    void aHostGoingDownWaitsAndReplansAndComingBackReplansAgain() {
        World down = new World();
        down.entries.put("src", new HostEntry(withState(t4("src", FROM), HostState.DOWN, NOW.minusSeconds(600)),
                List.of(gpuVm("vm-a", "src")), NOW));
        down.step().advance();
        assertThat(down.effects()).anySatisfy(e -> assertThat(e).startsWith("host src DRAINING -> WAITING: host src is"
                + " DOWN"));
        assertThat(down.effects()).contains("replan: host src is not up");

        World back = new World().host("src", "WAITING");
        back.step().advance();
        assertThat(back.effects()).contains("replan: host src is up again");
    }

    @Test
    void aVmAppearingOnAHostBeingEmptiedOrLeavingItsPlannedSourceReplans() {
        World appeared = new World();
        appeared.entries.put("src", entry(t4("src", FROM), gpuVm("vm-a", "src"), gpuVm("vm-x", "src")));
        appeared.step().advance();
        assertThat(appeared.effects()).contains("replan: VM vm-x appeared on host src, which is being emptied");

        World left = new World();
        left.entries.put("src", entry(t4("src", FROM)));
        left.entries.put("other", entry(t4("other", FROM), gpuVm("vm-a", "other")));
        left.step().advance();
        assertThat(left.effects()).contains("replan: VM vm-a runs on other, not on src as planned");

        World gone = new World();
        gone.entries.put("src", entry(t4("src", FROM)));
        gone.step().advance();
        assertThat(gone.effects()).contains("replan: VM vm-a disappeared");
    }

    @Test
    void aLaterBatchsPlannedMigrationIsCheckedToo() {
        World gone = new World();
        gone.later.add(new CampaignStore.PlannedMove("m-9", "vm-z", "uuid-vm-z", "other", "dst"));
        gone.step().advance();
        assertThat(gone.effects()).contains("replan: VM vm-z disappeared");

        World targetGone = new World();
        targetGone.entries.put("other", entry(t4("other", FROM), gpuVm("vm-z", "other")));
        targetGone.later.add(new CampaignStore.PlannedMove("m-9", "vm-z", "uuid-vm-z", "other", "nowhere"));
        targetGone.step().advance();
        assertThat(targetGone.effects()).contains("replan: host nowhere left the inventory; it was the target of VM"
                + " vm-z");
    }

    @Test
    void aLaterBatchsVmIsLookedUpAgainOnceItsSourceReportedAndATargetIsNamedOnce() {
        World w = new World();
        w.entries.put("other", entry(t4("other", FROM), gpuVm("vm-y", "other"), gpuVm("vm-z", "other")));
        w.later.add(new CampaignStore.PlannedMove("m-8", "vm-y", "uuid-vm-y", "other", "down"));
        w.later.add(new CampaignStore.PlannedMove("m-9", "vm-z", "uuid-vm-z", "other", "down"));
        w.entries.put("down", entry(withState(t4("down", FROM), HostState.DOWN, NOW)));
        LaterBatches later = LaterBatches.of(w.later);
        CampaignStep first = w.step(later).advance();
        assertThat(first.replanDue()).isEqualTo("host down is DOWN; it was the target of VM vm-y");

        // The same moves, kept from the step before: vm-z left the fleet, and its source's new
        // entry is what the next step sees.
        World next = new World();
        next.entries.put("other", entry(t4("other", FROM), gpuVm("vm-y", "other")));
        next.entries.put("down", entry(t4("down", FROM)));
        next.step(later).advance();
        assertThat(next.effects()).contains("replan: VM vm-z disappeared");
    }

    @Test
    void aTargetRefusingTheVmsStateReplansAndAMissingVerdictIsAskedFor() {
        World refused = new World();
        refused.verdicts.put(M1_KEY, said(Verdict.VERDICT_INCOMPATIBLE, "VGPU_MIGRATION_VERSION", "too new"));
        refused.step().advance().issue();
        assertThat(refused.effects()).anySatisfy(e -> assertThat(e).startsWith("replan: host dst refuses VM vm-a's"
                + " nvidia-231 on " + PARENT));
        assertThat(refused.effects()).noneMatch(e -> e.startsWith("issue"));

        World unknown = new World();
        unknown.verdicts.clear();
        CampaignStep step = unknown.step().advance().issue();
        assertThat(unknown.out.wantedVerdicts).containsOnlyKeys("dst");
        assertThat(unknown.out.wantedVerdicts.get("dst")).containsOnlyKeys(M1_KEY);
        assertThat(step.result("RUNNING", false).waiting()).anySatisfy(s -> assertThat(s)
                .startsWith("no compatibility answer yet from dst"));
    }

    @Test
    void aLapsedClaimIsClaimedAgainAndASlotLostForGoodReplans() {
        World lapsed = new World().migrationIs("ISSUED", NOW.plusSeconds(60), List.of(7L));
        lapsed.out.lapsed.add(7L);
        lapsed.step().advance();
        assertThat(lapsed.effects()).anySatisfy(e -> assertThat(e).startsWith("event SLOT_LOST"));
        assertThat(lapsed.effects()).contains("reservations m-1 []");

        World lost = new World().migrationIs("ISSUED", NOW.plusSeconds(60), List.of(7L));
        lost.out.lapsed.add(7L);
        lost.out.refuseClaims = "no free instance of nvidia-231";
        lost.step().advance();
        assertThat(lost.effects()).contains("replan: no slot for VM vm-a on dst any more: no free instance of"
                + " nvidia-231");
    }

    @Test
    void aSlotHeldByAVmThatAlreadyRunsOnTheTargetMakesTheNextVmWaitNotTheCampaignReplan() {
        World w = new World().migrationIs("ISSUED", NOW.plusSeconds(60), List.of(7L));
        w.entries.put("src", entry(t4("src", FROM), gpuVm("vm-b", "src")));
        // vm-a has moved: the target's report lists it, its done report has not come yet.
        w.entries.put("dst", entry(t4("dst", TO), gpuVm("vm-a", "dst")));
        w.open.add(new MigrationRow("m-2", 1, 1, 1, "vm-b", "uuid-vm-b", "src", "dst", List.of(PARENT),
                List.of("nvidia-231"), "PLANNED", "PROBED", List.of(), "", false, null, ""));
        w.verdicts.put(M1_KEY, said(Verdict.VERDICT_COMPATIBLE, "", ""));
        // The store counts vm-a's live claim beside the instance the report shows it took.
        w.out.refuseClaims = "host dst: no free instance of nvidia-231 on " + PARENT + " to claim (1 free, 1 already"
                + " claimed)";
        CampaignStep step = w.step().advance().issue();

        assertThat(w.effects()).noneMatch(e -> e.startsWith("replan"));
        assertThat(step.replanDue()).isNull();
        assertThat(step.result("RUNNING", false).waiting()).contains("VM vm-b waits for its slot on dst: migration"
                + " m-1 of VM vm-a holds it and already runs there; its done report frees it");

        // Without a VM on the target holding the slot, the refusal means the plan no longer fits.
        World full = new World().migrationIs("ISSUED", NOW.plusSeconds(60), List.of(7L));
        full.entries.put("src", entry(t4("src", FROM), gpuVm("vm-a", "src"), gpuVm("vm-b", "src")));
        full.open.add(new MigrationRow("m-2", 1, 1, 1, "vm-b", "uuid-vm-b", "src", "dst", List.of(PARENT),
                List.of("nvidia-231"), "PLANNED", "PROBED", List.of(), "", false, null, ""));
        full.out.refuseClaims = "no free instance of nvidia-231";
        full.step().advance().issue();
        assertThat(full.effects()).anySatisfy(e -> assertThat(e).startsWith("replan: no slot for VM vm-b on dst"));
    }

    @Test
    void aHostIsHandedOutOnlyOnAFreshScanProvingItEmptyAndTakenBackWhenAVmReappears() {
        World asked = new World().host("src", "DRAINING");
        asked.open.clear();
        asked.entries.put("src", entry(t4("src", FROM)));
        asked.step().advance();
        assertThat(asked.out.wantedScans).containsExactly("src");
        assertThat(asked.effects()).noneMatch(e -> e.contains("READY_TO_UPGRADE"));

        World busy = new World().host("src", "DRAINING");
        busy.open.clear();
        busy.entries.put("src", entry(t4("src", FROM)));
        busy.scans.put("src", scan("src", "vm-hidden"));
        busy.step().advance();
        assertThat(busy.effects()).anySatisfy(e -> assertThat(e).startsWith("event HOST_NOT_PROVEN_EMPTY")
                .contains("vm-hidden"));
        assertThat(busy.effects()).noneMatch(e -> e.contains("READY_TO_UPGRADE"));

        World empty = new World().host("src", "DRAINING");
        empty.open.clear();
        empty.entries.put("src", entry(t4("src", FROM)));
        empty.scans.put("src", scan("src"));
        empty.step().advance();
        assertThat(empty.effects()).contains("host src DRAINING -> READY_TO_UPGRADE");

        World back = new World().host("src", "READY_TO_UPGRADE");
        back.open.clear();
        back.step().advance();
        assertThat(back.effects()).anySatisfy(e -> assertThat(e).startsWith("host src READY_TO_UPGRADE -> DRAINING:"
                + " VM vm-a seen on host src"));
    }

    /** An evacuation's hosts are its scope alone: the target is outside it. */
    static World evacuation() {
        World w = new World();
        w.kind = CampaignKind.EVACUATION;
        w.hosts.remove("dst");
        w.entries.put("dst", entry(t4("dst", FROM)));
        return w;
    }

    @Test
    void anEvacuationHostProvenEmptyIsDoneAndLeftInMaintenanceAndNothingIsUpgraded() {
        World asked = evacuation();
        asked.open.clear();
        asked.entries.put("src", entry(t4("src", FROM)));
        asked.step().advance();
        assertThat(asked.out.wantedScans).as("no evidence, no maintenance").containsExactly("src");
        assertThat(asked.effects()).noneMatch(e -> e.contains("DONE") || e.contains("MAINTENANCE"));

        World w = evacuation();
        w.open.clear();
        w.entries.put("src", entry(t4("src", FROM)));
        w.scans.put("src", scan("src"));
        CampaignStep step = w.step().advance();
        assertThat(w.effects()).contains("host src DRAINING -> DONE", "admin src MAINTENANCE",
                "complete: 1 of 1 hosts empty and in MAINTENANCE");
        assertThat(w.effects()).noneMatch(e -> e.contains("READY_TO_UPGRADE"));
        assertThat(w.out.adminReasons.get("src")).isEqualTo("evacuation evacuation-1: in maintenance: BIOS update");
        assertThat(step.completed()).isTrue();
        assertThat(step.result("RUNNING", false).upgrade()).isEmpty();
    }

    @Test
    void aHostARollbackBroughtBackPlansItsBlockedHostsAgainWhereAnUpgradeCompletes() {
        for (CampaignKind kind : List.of(CampaignKind.ROLLBACK, CampaignKind.UPGRADE)) {
            World w = new World().host("src", "UPGRADING");
            w.kind = kind;
            w.entries.put("src", entry(t4("src", TO)));
            w.hosts.put("gpu", new HostRow("gpu", null, false, "BLOCKED", "NO_ROOM: VM vm-b: no room"));
            w.open.clear();
            CampaignStep step = w.step().advance();
            assertThat(w.effects()).contains("host src PROBING -> DONE");
            if (kind == CampaignKind.UPGRADE) {
                assertThat(step.replanDue()).isNull();
                assertThat(step.completed()).isTrue();
                continue;
            }
            assertThat(step.replanDue()).as("the host back at the old release is a target no plan could count on")
                    .contains("host src is back at " + TO + " and answered its probes; host(s) gpu that could not"
                            + " go back are planned again");
            assertThat(step.completed()).isFalse();
        }
    }

    @Test
    void aBlockedHostKeepsAnEvacuationOrARollbackFromCompletingAndSaysWhyWhereAnUpgradeCompletes() {
        for (CampaignKind kind : CampaignKind.values()) {
            World w = new World().host("src", "DONE");
            w.kind = kind;
            w.hosts.put("gpu", new HostRow("gpu", null, false, "BLOCKED", "VM vm-b has nowhere to go"));
            w.open.clear();
            CampaignStep step = w.step().advance();
            if (kind == CampaignKind.UPGRADE) {
                assertThat(step.completed()).as("an upgrade ends with what it could do").isTrue();
                continue;
            }
            // A rollback that ended with VMs left on the new release would not be one; the host is planned again.
            assertThat(step.completed()).isFalse();
            assertThat(w.effects()).noneMatch(e -> e.startsWith("complete"));
            assertThat(step.result("RUNNING", false).waiting())
                    .contains("host gpu cannot be emptied (BLOCKED): VM vm-b has nowhere to go");
        }
    }

    @Test
    void anEvacuationLeftWithHostsItCannotEmptyPlansThemAgainWhenTheRunnerSaysItIsTime() {
        World w = new World().host("src", "DONE");
        w.kind = CampaignKind.EVACUATION;
        w.hosts.put("gpu", new HostRow("gpu", null, false, "BLOCKED", "VM vm-b has nowhere to go"));
        w.open.clear();
        CampaignStep waiting = w.step().advance();
        assertThat(waiting.stuck()).isTrue();
        assertThat(waiting.triedStuck()).isFalse();
        assertThat(waiting.replanDue()).isNull();

        w.retryStuck = true;
        CampaignStep tried = w.step().advance();
        assertThat(tried.stuck()).isTrue();
        assertThat(tried.triedStuck()).isTrue();
        assertThat(tried.replanDue()).isEqualTo("host(s) gpu could not be emptied; planned again in case room has"
                + " appeared");
        assertThat(tried.completed()).isFalse();
        assertThat(tried.result("RUNNING", false).waiting())
                .contains("host gpu cannot be emptied (BLOCKED): VM vm-b has nowhere to go");
    }

    @Test
    void aCampaignWithWorkLeftIsNotStuckAndIsNotPlannedAgainForIt() {
        World w = new World();
        w.kind = CampaignKind.EVACUATION;
        w.retryStuck = true;
        CampaignStep step = w.step().advance();
        assertThat(step.stuck()).isFalse();
        assertThat(step.triedStuck()).isFalse();
    }

    @Test
    void theLastHostFinishedCompletesTheCampaign() {
        World w = new World().host("src", "DONE");
        w.open.clear();
        CampaignStep step = w.step().advance();
        assertThat(step.completed()).isTrue();
        assertThat(w.effects()).contains("complete: 2 of 2 hosts at " + TO);
    }
}
