package io.migplan.scheduler.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.AllocationPolicy;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.SnapshotLoader.HostPulse;
import io.migplan.scheduler.snapshot.SnapshotLoader.PulseMark;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A report's entry is applied while a read of the database to bring hosts in line is in progress:
 * reports wait for no reconcile (at thousands of hosts a reconcile reads for a while, and every
 * report arriving meanwhile used to queue behind it). The database here is a loader whose reads
 * are held until the test releases them; the rest of the holder is the real one.
 */
class ClusterSnapshotHolderLockTest {

    private static final Instant AT = Instant.parse("2026-12-07T10:00:00Z");

    private static HostEntry entry(String host, long generation) {
        return SnapshotRows.assemble(new ReportedRows().add(new ReportedRows.HostColumns(host, HostState.UP, AT,
                generation, AdminState.ACTIVE, "", AT), ClusterSnapshotHolderTest.fullReport(host, generation).build())
                .rows(), AllocationPolicy.NONE).get(0);
    }

    /** A database holding {@code stored} for h1, whose host reads wait for {@code release} once {@code reading} counts down. */
    private static final class HeldDatabase extends SnapshotLoader {
        final CountDownLatch reading = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicLong stamps = new AtomicLong();
        final HostEntry stored;

        HeldDatabase(HostEntry stored) {
            this.stored = stored;
        }

        @Override
        public List<HostEntry> all() {
            return List.of(stored);
        }

        @Override
        public List<HostEntry> one(String hostId) {
            return hostId.equals("h1") ? List.of(stored) : List.of();
        }

        @Override
        public PulseMark pulseMark() {
            return new PulseMark(1, "0", stamps.incrementAndGet());
        }

        @Override
        public Map<String, HostPulse> pulses() {
            reading.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Map.of("h1", new HostPulse(stored.view().generation(), HostState.STALE, AT, AdminState.ACTIVE, ""));
        }

        @Override
        public Map<String, HostPulse> pulses(Collection<String> hostIds) {
            return pulses();
        }
    }

    @Test
    void aReportsEntryIsAppliedWhileAReconcileReadsTheDatabaseAndTheReconcileDoesNotUndoIt() throws Exception {
        HeldDatabase db = new HeldDatabase(entry("h1", 1));
        ClusterSnapshotHolder holder = new ClusterSnapshotHolder();
        holder.loader = db;
        holder.current();

        CompletableFuture<Void> reconcile = CompletableFuture.runAsync(holder::reconcile);
        assertThat(db.reading.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture.runAsync(() -> holder.apply(entry("h1", 2))).get(10, TimeUnit.SECONDS);

        assertThat(holder.current().host("h1").orElseThrow().view().generation()).isEqualTo(2);
        assertThat(reconcile).isNotDone();
        db.release.countDown();
        reconcile.get(10, TimeUnit.SECONDS);
        // What the reconcile read (generation 1, STALE) is older than the report applied meanwhile.
        HostView held = holder.current().host("h1").orElseThrow().view();
        assertThat(held.generation()).isEqualTo(2);
        assertThat(held.state()).isEqualTo(HostState.UP);
    }

    /** Without a report meanwhile, what the reconcile read is merged: the state it found is held. */
    @Test
    void aReconcileWithoutAReportMeanwhileHoldsTheStateItRead() throws Exception {
        HeldDatabase db = new HeldDatabase(entry("h1", 1));
        db.release.countDown();
        ClusterSnapshotHolder holder = new ClusterSnapshotHolder();
        holder.loader = db;

        holder.reconcile();

        assertThat(holder.current().host("h1").orElseThrow().view().state()).isEqualTo(HostState.STALE);
    }
}
