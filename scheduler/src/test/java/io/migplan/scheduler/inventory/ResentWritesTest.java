package io.migplan.scheduler.inventory;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.migplan.scheduler.testsupport.Inventory;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What agents send again anyway commits without waiting for the log's flush; nothing else does.
 * Each case reads the setting inside the transaction that wrote, and in the next one.
 */
@QuarkusTest
class ResentWritesTest {

    @Inject
    InventoryStore store;
    @Inject
    EntityManager em;
    @Inject
    AgroalDataSource ds;
    @Inject
    Clock clock;

    @BeforeEach
    void clear() {
        Inventory.clear(ds);
    }

    @Test
    void anAppliedReportCommitsWithoutWaitingForTheLogsFlush() {
        Instant now = clock.instant();
        String inside = QuarkusTransaction.requiringNew().call(() -> {
            assertThat(store.report(report(host("durable-1", 1, "")), now).applied()).isTrue();
            return synchronousCommit();
        });

        assertThat(inside).isEqualTo("off");
        assertThat(QuarkusTransaction.requiringNew().call(this::synchronousCommit))
                .as("the next transaction on the pool's connections keeps the server's setting").isEqualTo("on");
    }

    @Test
    void heartbeatsCommitWithoutWaitingForTheLogsFlush() {
        Instant now = clock.instant();
        store.report(report(host("durable-2", 1, "")), now);

        String inside = QuarkusTransaction.requiringNew().call(() -> {
            assertThat(store.heartbeats(List.of(new BeatQueue.Beat("durable-2", 1)), now.plusSeconds(10), true)
                    .vouched()).hasSize(1);
            return synchronousCommit();
        });

        assertThat(inside).isEqualTo("off");
    }

    @Test
    void aReportNotNewerThanTheStoredOneKeepsTheServersSetting() {
        Instant now = clock.instant();
        store.report(report(host("durable-3", 2, "")), now);

        String inside = QuarkusTransaction.requiringNew().call(() -> {
            assertThat(store.report(report(host("durable-3", 1, "")), now).applied()).isFalse();
            return synchronousCommit();
        });

        assertThat(inside).isEqualTo("on");
    }

    private String synchronousCommit() {
        return (String) em.createNativeQuery("show synchronous_commit").getSingleResult();
    }
}
