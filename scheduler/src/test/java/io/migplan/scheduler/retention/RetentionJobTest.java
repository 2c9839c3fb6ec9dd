package io.migplan.scheduler.retention;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.migplan.scheduler.testsupport.Inventory;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link RetentionJob} deletes at the default settings (dry runs after 7 days, ended
 * campaigns after 90, evacuation plans after 7) and what it never does: a campaign running or
 * paused, however old, a plan being solved, anything younger; and a read deletes nothing. Rows
 * are written old with SQL, as a long-lived database would hold them.
 */
@QuarkusTest
class RetentionJobTest {

    @Inject
    AgroalDataSource ds;
    @Inject
    RetentionJob retention;

    @BeforeEach
    @AfterEach
    void clear() {
        Inventory.clear(ds);
        Inventory.update(ds, "delete from plan where id like 'ret-%'");
    }

    /** A campaign in {@code state} created {@code createdDaysAgo} and last changed {@code changedDaysAgo} days ago. */
    private void campaign(String id, String state, int createdDaysAgo, int changedDaysAgo, int migrations) {
        Inventory.update(ds, "insert into campaign (id, state, from_release, to_release, request, plan, created_at,"
                + " updated_at) values ('" + id + "', '" + state + "', '2025.1', '2025.2', '" + settings(state.equals("DRY_RUN"))
                + "', '{}', now() - interval '" + createdDaysAgo + " days', now() - interval '"
                + changedDaysAgo + " days')");
        Inventory.update(ds, "insert into campaign_host (campaign_id, host, batch, state) values ('" + id
                + "', 'h1', 1, 'PENDING')");
        Inventory.update(ds, "insert into campaign_event (campaign_id, position, at, kind, message) values ('" + id
                + "', 1, now(), 'PLANNED', 'x')");
        Inventory.update(ds, "insert into campaign_migration (id, campaign_id, plan_version, batch, wave, vm,"
                + " vm_uuid, from_host, to_host, parents, types, state, basis) select '" + id + "-' || n, '" + id
                + "', 1, 1, 1, 'vm-' || n, 'uuid-vm-' || n, 'h1', 'h2', '[]', '[]', 'PLANNED', 'NOT_NEEDED'"
                + " from generate_series(1, "
                + migrations + ") n");
    }

    /** Settings as a campaign created before time limits existed stored them. */
    private static String settings(boolean dryRun) {
        return "{\"scope\": [\"h1\"], \"maxHostsInMaintenance\": 1, \"maxPerFailureDomain\": 1, \"maxOutboundPerHost\": 2,"
                + " \"maxInboundPerHost\": 2, \"maxParallel\": 2, \"headroomPercent\": 0, \"allowBackward\": false,"
                + " \"dryRun\": " + dryRun + ", \"vmsInScope\": 0}";
    }

    private void plan(String id, String status, int changedDaysAgo) {
        Inventory.update(ds, "insert into plan (id, kind, status, request, created_at, updated_at) values ('" + id
                + "', 'EVACUATION', '" + status + "', '{}', now() - interval '" + changedDaysAgo + " days',"
                + " now() - interval '" + changedDaysAgo + " days')");
    }

    /** An audit record made {@code daysAgo} days ago (the default retention is 400 days). */
    private void audit(String target, int daysAgo) {
        Inventory.update(ds, "insert into audit_record (at, subject, roles, operation, target, result) values (now() -"
                + " interval '" + daysAgo + " days', 'ops', 'operator', 'POST /api/v1/campaigns', 'id=" + target
                + "', 'OK')");
    }

    private long campaigns(String id) {
        return Inventory.count(ds, "campaign where id = '" + id + "'");
    }

    @Test
    void oldDryRunsEndedCampaignsAndFinishedPlansArePrunedWithTheirRowsAndNothingElse() {
        // 2,500 migrations: three deletes of at most 1,000 rows.
        campaign("old-dry", "DRY_RUN", 8, 8, 2500);
        campaign("new-dry", "DRY_RUN", 6, 6, 10);
        campaign("old-running", "RUNNING", 400, 400, 10);
        campaign("old-paused", "PAUSED", 400, 400, 10);
        campaign("old-planning", "PLANNING", 400, 400, 0);
        campaign("old-aborted", "ABORTED", 120, 91, 10);
        campaign("old-failed", "FAILED", 120, 91, 0);
        campaign("recently-completed", "COMPLETED", 120, 30, 10);
        plan("ret-old-ready", "READY", 8);
        plan("ret-old-failed", "FAILED", 8);
        plan("ret-old-solving", "SOLVING", 8);
        plan("ret-new-ready", "READY", 1);
        audit("ret-old-audit", 401);
        audit("ret-new-audit", 399);

        // Reading never prunes.
        given().get("/api/v1/campaigns/{id}", "old-dry").then().statusCode(200);
        given().get("/api/v1/campaigns").then().statusCode(200);
        given().get("/api/v1/plans/{id}", "ret-old-ready").then().statusCode(200);
        assertThat(campaigns("old-dry")).isOne();
        assertThat(Inventory.count(ds, "plan where id = 'ret-old-ready'")).isOne();

        RetentionJob.Pruned pruned = retention.prune();

        assertThat(pruned).isEqualTo(new RetentionJob.Pruned(3, 2, 1));
        for (String gone : new String[] {"old-dry", "old-aborted", "old-failed"}) {
            assertThat(campaigns(gone)).as(gone).isZero();
            assertThat(Inventory.count(ds, "campaign_migration where campaign_id = '" + gone + "'")).as(gone).isZero();
            assertThat(Inventory.count(ds, "campaign_host where campaign_id = '" + gone + "'")).as(gone).isZero();
            assertThat(Inventory.count(ds, "campaign_event where campaign_id = '" + gone + "'")).as(gone).isZero();
        }
        for (String kept : new String[] {"new-dry", "old-running", "old-paused", "old-planning",
                "recently-completed"}) {
            assertThat(campaigns(kept)).as(kept).isOne();
        }
        assertThat(Inventory.count(ds, "campaign_migration where campaign_id = 'old-running'")).isEqualTo(10);
        assertThat(Inventory.count(ds, "plan where id like 'ret-%'")).isEqualTo(2);
        assertThat(Inventory.count(ds, "plan where id in ('ret-old-solving', 'ret-new-ready')")).isEqualTo(2);
        assertThat(Inventory.count(ds, "audit_record where target like 'id=ret-%'")).as("the audit past 400 days goes")
                .isOne();
        assertThat(Inventory.count(ds, "audit_record where target = 'id=ret-new-audit'")).isOne();

        assertThat(retention.prune()).as("a second run finds nothing more").isEqualTo(new RetentionJob.Pruned(0, 0, 0));
    }
}
