package io.migplan.scheduler.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.migplan.scheduler.campaign.CampaignStore.CampaignRow;
import io.migplan.scheduler.campaign.CampaignStore.HostRow;
import io.migplan.scheduler.campaign.CampaignStore.MigrationRow;
import io.migplan.scheduler.campaign.Transitions.CampaignState;
import io.migplan.scheduler.campaign.Transitions.HostStep;
import io.migplan.scheduler.campaign.Transitions.MigrationState;
import io.migplan.scheduler.campaign.CampaignStore.Settings;
import io.migplan.scheduler.error.UnknownObjectException;
import io.migplan.scheduler.testsupport.Inventory;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.TestTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.hibernate.Hibernate;
import org.junit.jupiter.api.Test;

/**
 * The campaign tables as the store reads and writes them, on the shared test database. Each test
 * runs in a transaction rolled back at its end (the campaign runner never sees its rows), except
 * the one about locks, which needs two transactions that commit.
 */
@QuarkusTest
class CampaignStoreTest {

    static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
    static final Settings SETTINGS = new Settings(List.of("host-01", "host-02"), 2, 1, 2, 2, 8, 10, false, false, 7, 600, 0);

    @Inject
    CampaignStore store;
    @Inject
    ObjectMapper mapper;
    @Inject
    AgroalDataSource ds;
    @Inject
    EntityManager em;

    private void campaign(String id, String state, Instant createdAt) {
        store.insertCampaign(id, state, "2025.1", "2025.2", SETTINGS, "{}", createdAt);
    }

    private static MigrationRow planned(String id, int batch, int wave, String vm) {
        return new MigrationRow(id, 1, batch, wave, vm, "uuid-" + vm, "host-01", "host-02", List.of("0000:3b:00.0"),
                List.of("nvidia-231"), "PLANNED", "ASSUMED", List.of(), "", false, null, "");
    }

    /** Issues a planned migration to the test's orchestrator, due half an hour later. */
    private void issue(String id, List<Long> reservations, Instant at) {
        store.issue(id, reservations, "orch-1", at, at.plusSeconds(1800));
    }

    /** Moves migration {@code id} of campaign c-1 to {@code to}. */
    private void finish(String id, MigrationState to, String error, boolean settled, Instant at) {
        store.finish(store.migration("c-1", id), to, error, settled, at, null);
    }

    /** SQL in the test's transaction, past the entities (they are cleared after it where they would be stale). */
    private void sql(String statement) {
        em.createNativeQuery(statement).executeUpdate();
    }

    private List<String> open(String campaign) {
        return store.migrations(campaign, true).stream().map(MigrationRow::id).toList();
    }

    // ---- the campaign row ---------------------------------------------------------------------

    @Test
    @TestTransaction
    void aCampaignReadsBackAsWrittenWithTheSettingsItWasCreatedWith() throws Exception {
        store.insertCampaign("c-1", "DRY_RUN", "2025.1", "2025.2", SETTINGS, "{\"batches\": 3, \"unmovable\": []}",
                T0);

        CampaignRow row = store.find("c-1", false).orElseThrow();

        assertThat(row.id()).isEqualTo("c-1");
        assertThat(row.state()).isEqualTo("DRY_RUN");
        assertThat(row.from()).isEqualTo("2025.1");
        assertThat(row.to()).isEqualTo("2025.2");
        assertThat(row.settings()).isEqualTo(SETTINGS);
        assertThat(mapper.readTree(store.plan("c-1"))).isEqualTo(mapper.readTree("{\"unmovable\": [], \"batches\": 3}"));
        assertThat(row.replanReason()).isNull();
        assertThat(row.planVersion()).isEqualTo(1);
        assertThat(store.lock("c-1")).isEqualTo(row);
    }

    @Test
    @TestTransaction
    void lockingOrReadingACampaignsRowLeavesItsPlanDocumentUnread() {
        store.insertCampaign("c-1", "RUNNING", "2025.1", "2025.2", SETTINGS, "{\"batches\": 3}", T0);
        em.clear();

        store.lock("c-1");
        store.require("c-1", false);

        assertThat(Hibernate.isPropertyInitialized(em.find(CampaignEntity.class, "c-1"), "plan")).isFalse();
        assertThat(store.plan("c-1")).contains("batches");
    }

    @Test
    @TestTransaction
    void anUnknownCampaignIsNotFoundAndRequiringItNamesTheId() {
        assertThatThrownBy(() -> store.plan("nope")).isInstanceOf(UnknownObjectException.class)
                .hasMessage("no campaign with id 'nope'");
        assertThat(store.find("nope", false)).isEmpty();
        assertThatThrownBy(() -> store.require("nope", false)).isInstanceOf(UnknownObjectException.class)
                .hasMessage("no campaign with id 'nope'");
        assertThatThrownBy(() -> store.lock("nope")).isInstanceOf(UnknownObjectException.class)
                .hasMessage("no campaign with id 'nope'");
    }

    @Test
    @TestTransaction
    void campaignsInTheStatesAskedAreListedOldestFirstAndAllOfThemNewestFirst() {
        campaign("store-c", "RUNNING", T0.plusSeconds(2));
        campaign("store-a", "PAUSED", T0);
        campaign("store-e", "RUNNING", T0.plusSeconds(1));
        campaign("store-b", "RUNNING", T0.plusSeconds(1));
        campaign("store-d", "COMPLETED", T0.plusSeconds(3));

        assertThat(store.idsIn(List.of("RUNNING"))).filteredOn(id -> id.startsWith("store-"))
                .containsExactly("store-b", "store-e", "store-c");
        assertThat(store.idsIn(List.of("RUNNING", "PAUSED"))).filteredOn(id -> id.startsWith("store-"))
                .containsExactly("store-a", "store-b", "store-e", "store-c");
        assertThat(store.idsIn(List.of("ABORTED"))).filteredOn(id -> id.startsWith("store-")).isEmpty();
        assertThat(store.all()).extracting(r -> (String) r[0]).filteredOn(id -> id.startsWith("store-"))
                .containsExactly("store-d", "store-c", "store-b", "store-e", "store-a");
    }

    @Test
    @TestTransaction
    void aNewPlanTakesItsVersionAndClearsTheReasonToReplan() throws Exception {
        campaign("c-1", "RUNNING", T0);
        store.setReplanReason("c-1", "migration m-3 failed", T0.plusSeconds(1));
        assertThat(store.require("c-1", false).replanReason()).isEqualTo("migration m-3 failed");

        store.setPlan("c-1", 2, "{\"batches\": 1}", T0.plusSeconds(2));
        store.setState("c-1", CampaignState.RUNNING, CampaignState.PAUSED, T0.plusSeconds(3));

        CampaignRow row = store.require("c-1", false);
        assertThat(row.planVersion()).isEqualTo(2);
        assertThat(row.replanReason()).isNull();
        assertThat(mapper.readTree(store.plan("c-1"))).isEqualTo(mapper.readTree("{\"batches\": 1}"));
        assertThat(row.state()).isEqualTo("PAUSED");
    }

    @Test
    @TestTransaction
    void rowsAreEntitiesWhoseStatesReadAsTheEnumsOfTheTransitionTable() {
        campaign("c-1", "RUNNING", T0);
        store.upsertHost("c-1", new HostRow("host-a", 1, true, "PENDING", ""));
        store.insertMigration("c-1", planned("m-1", 1, 0, "vm-1"));
        issue("m-1", List.of(7L), T0);
        em.flush();
        em.clear();

        assertThat(em.find(CampaignEntity.class, "c-1").state).isEqualTo(CampaignState.RUNNING);
        assertThat(em.find(CampaignHostEntity.class, new CampaignHostEntity.Key("c-1", "host-a")).state)
                .isEqualTo(HostStep.PENDING);
        CampaignMigrationEntity m = em.find(CampaignMigrationEntity.class, "m-1");
        assertThat(m.state).isEqualTo(MigrationState.ISSUED);
        assertThat(m.reservations).containsExactly(7L);
        assertThat(m.parents).containsExactly("0000:3b:00.0");
        assertThat(store.find("c-1", false).orElseThrow().stateEnum()).isEqualTo(CampaignState.RUNNING);
    }

    @Test
    @TestTransaction
    void aCampaignStateTextNoEnumKnowsFailsTheReadInsteadOfReadingAsNull() {
        // The table's check would refuse the text; the check is dropped in this transaction only.
        sql("alter table campaign drop constraint campaign_state_check");
        campaign("c-1", "RUNNING", T0);
        sql("update campaign set state = 'RETIRED' where id = 'c-1'");
        em.clear();

        assertThatThrownBy(() -> store.find("c-1", false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("campaign c-1").hasMessageContaining("CampaignState.RETIRED");
    }

    @Test
    @TestTransaction
    void aMigrationStateTextNoEnumKnowsFailsTheReadInsteadOfReadingAsNull() {
        sql("alter table campaign_migration drop constraint campaign_migration_state_check");
        campaign("c-1", "RUNNING", T0);
        store.insertMigration("c-1", planned("m-1", 1, 0, "vm-1"));
        em.flush();
        sql("update campaign_migration set state = 'PARKED' where id = 'm-1'");
        em.clear();

        assertThatThrownBy(() -> store.migrations("c-1", true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("campaign c-1").hasMessageContaining("MigrationState.PARKED");
    }

    // ---- hosts ----------------------------------------------------------------------------------

    @Test
    @TestTransaction
    void hostsAreListedByBatchTheUnbatchedLastAndAHostHasOneRowWhateverIsWrittenAgain() {
        campaign("c-1", "RUNNING", T0);
        store.upsertHost("c-1", new HostRow("host-b", 2, false, "PENDING", ""));
        store.upsertHost("c-1", new HostRow("host-c", null, false, "HELD_BACK", "no room"));
        store.upsertHost("c-1", new HostRow("host-a", 1, true, "PENDING", ""));
        store.upsertHost("c-1", new HostRow("host-0", 1, false, "PENDING", ""));
        store.upsertHost("c-1", new HostRow("host-b", null, false, "WAITING", "host host-b is DOWN"));
        store.setHostState("c-1", new HostRow("host-a", 1, true, "PENDING", ""), HostStep.DRAINING, "emptying");

        assertThat(store.hosts("c-1")).containsExactly(
                new HostRow("host-0", 1, false, "PENDING", ""),
                new HostRow("host-a", 1, true, "DRAINING", "emptying"),
                new HostRow("host-b", null, false, "WAITING", "host host-b is DOWN"),
                new HostRow("host-c", null, false, "HELD_BACK", "no room"));
    }

    // ---- migrations -----------------------------------------------------------------------------

    @Test
    @TestTransaction
    void migrationsReadBackInBatchWaveAndVmOrderWithTheirLists() {
        campaign("c-1", "RUNNING", T0);
        MigrationRow later = new MigrationRow("m-4", 2, 2, 0, "vm-a", "uuid-vm-a", "host-03", "host-04",
                List.of("0000:3b:00.0", "0000:d8:00.0"), List.of("nvidia-231", "nvidia-222"), "PLANNED", "PROBED",
                List.of(), "", false, null, "");
        store.insertMigration("c-1", later);
        store.insertMigration("c-1", planned("m-3", 1, 1, "vm-a"));
        store.insertMigration("c-1", planned("m-2", 1, 0, "vm-z"));
        store.insertMigration("c-1", planned("m-1", 1, 0, "vm-b"));
        issue("m-3", List.of(7L, 9L), T0);

        List<MigrationRow> rows = store.migrations("c-1", false);

        assertThat(rows).extracting(MigrationRow::id).containsExactly("m-1", "m-2", "m-3", "m-4");
        assertThat(rows.get(3)).isEqualTo(later);
        assertThat(rows.get(2).state()).isEqualTo("ISSUED");
        assertThat(rows.get(2).reservations()).containsExactly(7L, 9L);
        assertThat(store.migration("c-1", "m-4")).isEqualTo(later);
    }

    @Test
    @TestTransaction
    void onlyAPlannedMigrationIsIssuedSoNothingIsIssuedTwiceOrAfterItEnded() {
        campaign("c-1", "RUNNING", T0);
        store.insertMigration("c-1", planned("m-1", 1, 0, "vm-1"));
        store.insertMigration("c-1", planned("m-2", 1, 0, "vm-2"));
        issue("m-1", List.of(1L), T0);
        issue("m-2", List.of(2L), T0);
        finish("m-2", MigrationState.DONE, "", false, T0.plusSeconds(1));

        assertThatThrownBy(() -> issue("m-1", List.of(10L), T0.plusSeconds(2)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("was not PLANNED");
        assertThatThrownBy(() -> issue("m-2", List.of(20L), T0.plusSeconds(2)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("was not PLANNED");

        assertThat(store.migration("c-1", "m-1")).satisfies(m -> {
            assertThat(m.state()).isEqualTo("ISSUED");
            assertThat(m.reservations()).containsExactly(1L);
        });
        assertThat(store.migration("c-1", "m-2")).satisfies(m -> {
            assertThat(m.state()).isEqualTo("DONE");
            assertThat(m.reservations()).containsExactly(2L);
        });
    }

    @Test
    @TestTransaction
    void aVmIsInFlightInAtMostOneMigrationOfACampaign() {
        campaign("c-1", "RUNNING", T0);
        campaign("c-2", "RUNNING", T0);
        store.insertMigration("c-1", planned("m-1", 1, 0, "vm-1"));
        store.insertMigration("c-1", planned("m-2", 2, 0, "vm-1"));
        store.insertMigration("c-2", planned("m-3", 1, 0, "vm-1"));
        issue("m-1", List.of(1L), T0);
        // Another campaign's migration of the same VM is its own business.
        issue("m-3", List.of(3L), T0);

        assertThatThrownBy(() -> issue("m-2", List.of(2L), T0)).isInstanceOf(PersistenceException.class);
    }

    @Test
    @TestTransaction
    void openMigrationsAreThoseNeitherSettledNorCancelled() {
        campaign("c-1", "RUNNING", T0);
        for (String id : List.of("m-1", "m-2", "m-3", "m-4", "m-5")) {
            store.insertMigration("c-1", planned(id, 1, 0, "vm-" + id));
        }
        issue("m-2", List.of(2L), T0);
        issue("m-3", List.of(3L), T0);
        finish("m-3", MigrationState.DONE, "", false, T0.plusSeconds(1));
        issue("m-4", List.of(4L), T0);
        finish("m-4", MigrationState.FAILED, "the hypervisor refused", true, T0.plusSeconds(1));
        finish("m-5", MigrationState.CANCELLED, "", false, T0.plusSeconds(1));

        assertThat(open("c-1")).as("planned, in flight, done but not yet seen").containsExactly("m-1", "m-2", "m-3");
        assertThat(store.migration("c-1", "m-4").error()).isEqualTo("the hypervisor refused");

        store.settle("m-3");
        assertThat(open("c-1")).containsExactly("m-1", "m-2");
        assertThat(store.migration("c-1", "m-3")).satisfies(m -> {
            assertThat(m.state()).isEqualTo("DONE");
            assertThat(m.settled()).isTrue();
        });
    }

    @Test
    @TestTransaction
    void droppingThePlanCancelsOnlyThisCampaignsMigrationsNotYetIssued() {
        campaign("c-1", "RUNNING", T0);
        campaign("c-2", "RUNNING", T0);
        store.insertMigration("c-1", planned("m-1", 1, 0, "vm-1"));
        store.insertMigration("c-1", planned("m-2", 1, 0, "vm-2"));
        store.insertMigration("c-1", planned("m-3", 2, 0, "vm-3"));
        store.insertMigration("c-2", planned("m-9", 1, 0, "vm-9"));
        issue("m-2", List.of(2L), T0);

        assertThat(store.cancelPlanned("c-1", T0.plusSeconds(1))).isEqualTo(2);

        assertThat(store.migrations("c-1", false)).extracting(MigrationRow::id, MigrationRow::state,
                MigrationRow::settled).containsExactly(
                        tuple("m-1", "CANCELLED", true),
                        tuple("m-2", "ISSUED", false),
                        tuple("m-3", "CANCELLED", true));
        assertThat(open("c-1")).containsExactly("m-2");
        assertThat(open("c-2")).containsExactly("m-9");
        assertThat(store.cancelPlanned("c-1", T0.plusSeconds(2))).isZero();
    }

    @Test
    @TestTransaction
    void aMigrationIsFoundOnlyInItsOwnCampaign() {
        campaign("c-1", "RUNNING", T0);
        campaign("c-2", "RUNNING", T0);
        store.insertMigration("c-2", planned("m-9", 1, 0, "vm-9"));

        assertThat(store.migration("c-2", "m-9").vm()).isEqualTo("vm-9");
        assertThatThrownBy(() -> store.migration("c-1", "m-9")).isInstanceOf(UnknownObjectException.class)
                .hasMessage("campaign c-1 has no migration 'm-9'");
    }

    // ---- history --------------------------------------------------------------------------------

    @Test
    @TestTransaction
    void theHistoryIsReadInTheOrderItWasWrittenWhateverTheTimesSay() {
        campaign("c-1", "RUNNING", T0);
        campaign("c-2", "RUNNING", T0);
        store.event("c-1", "PLANNED", "4 batches", T0.plusSeconds(5));
        store.event("c-2", "PLANNED", "another campaign", T0.plusSeconds(6));
        store.event("c-1", "REPLANNED", "host-03 went down", T0.plusSeconds(1));

        assertThat(store.events("c-1")).containsExactly(
                new CampaignView.Event(T0.plusSeconds(5), "PLANNED", "4 batches"),
                new CampaignView.Event(T0.plusSeconds(1), "REPLANNED", "host-03 went down"));
    }

    // ---- one step at a time ---------------------------------------------------------------------

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aLockedCampaignHoldsASecondLockUntilTheFirstTransactionEndsWhileReadsGoOn() throws Exception {
        String id = "store-lock";
        QuarkusTransaction.requiringNew().run(() -> campaign(id, "PAUSED", T0));
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            // The first locks, signals, waits to be released, then changes the row and commits.
            CompletableFuture<Void> first = CompletableFuture.runAsync(
                    () -> QuarkusTransaction.requiringNew().run(() -> {
                        store.lock(id);
                        locked.countDown();
                        awaitLatch(release);
                        store.setState(id, CampaignState.PAUSED, CampaignState.ABORTED, T0.plusSeconds(1));
                    }), threads);
            assertThat(locked.await(60, TimeUnit.SECONDS)).as("the first transaction holds the lock").isTrue();
            CompletableFuture<String> second = CompletableFuture.supplyAsync(
                    () -> QuarkusTransaction.requiringNew().call(() -> store.lock(id).state()), threads);

            await("the second lock waiting").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .during(Duration.ofSeconds(1)).until(() -> !second.isDone());
            assertThat(QuarkusTransaction.requiringNew().call(() -> store.find(id, false).orElseThrow().state()))
                    .as("a read without the lock does not wait").isEqualTo("PAUSED");

            release.countDown();
            first.get(30, TimeUnit.SECONDS);
            assertThat(second.get(30, TimeUnit.SECONDS)).as("the second sees what the first committed")
                    .isEqualTo("ABORTED");
        } finally {
            release.countDown();
            threads.shutdown();
            assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            Inventory.update(ds, "delete from campaign where id = '" + id + "'");
        }
    }
}
