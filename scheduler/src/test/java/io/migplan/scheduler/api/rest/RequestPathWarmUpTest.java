package io.migplan.scheduler.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.migplan.scheduler.testsupport.Inventory;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.Readiness;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The loopback warm-up reaches the API with its token, and leaves nothing behind. */
@QuarkusTest
class RequestPathWarmUpTest {

    @Inject
    @Readiness // a health check: its qualifier, not @Default
    RequestPathWarmUp warmUp;
    @Inject
    AgroalDataSource ds;

    @Test
    void everyRoundIsAnsweredAsARequestThatChangesNothingAndNothingIsStoredOrAudited() {
        long plans = Inventory.count(ds, "plan");
        long audited = Inventory.count(ds, "audit_record");

        // On a thread of its own, as at start.
        Map<Integer, Integer> answers = CompletableFuture.supplyAsync(warmUp::warmUp,
                task -> new Thread(task, "request-path-warm-up").start()).join();

        assertThat(answers).as("the token accepted: a plan not found, a body refused; nothing else")
                .isEqualTo(Map.of(404, 2 * RequestPathWarmUp.ROUNDS, 400, 2 * RequestPathWarmUp.ROUNDS));
        assertThat(warmUp.call().getStatus().name()).isEqualTo("UP");
        assertThat(Inventory.count(ds, "plan")).as("no plan").isEqualTo(plans);
        assertThat(Inventory.count(ds, "audit_record")).as("nothing audited").isEqualTo(audited);
    }
}
