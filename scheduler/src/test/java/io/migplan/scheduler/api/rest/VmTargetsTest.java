package io.migplan.scheduler.api.rest;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.parent;
import static io.migplan.scheduler.testsupport.Snapshots.report;
import static io.migplan.scheduler.testsupport.Snapshots.type;
import static io.migplan.scheduler.testsupport.Snapshots.vm;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import io.agroal.api.AgroalDataSource;
import io.migplan.scheduler.testsupport.FakeAgent;
import io.migplan.scheduler.testsupport.Fleet;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/vms/{id}/targets} over a fleet reported through gRPC, with real agents
 * (in-test AgentService servers) answering the probes. See {@link Fleet} for the table.
 */
@QuarkusTest
class VmTargetsTest {

    @Inject
    AgroalDataSource ds;

    SchedulerGrpc grpc;
    Fleet fleet;

    @BeforeEach
    void setUp() throws Exception {
        Inventory.clear(ds);
        grpc = new SchedulerGrpc();
        fleet = new Fleet().reportTo(grpc, ds);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        fleet.close();
        grpc.close();
    }

    private static JsonPath targets(String vm) {
        return given().get("/api/v1/vms/{id}/targets", vm).then().statusCode(200).extract().jsonPath();
    }

    private static List<Map<String, String>> reasonsOf(JsonPath body, String host) {
        return body.getList("rejected.find { it.host == '" + host + "' }.reasons");
    }

    @Test
    void compatibleHostsWithRoomAreCandidatesBestScoreFirst() {
        given().get("/api/v1/vms/vm-1/targets").then().statusCode(200)
                .body("vm", equalTo("vm-1"))
                .body("sourceHost", equalTo("src"))
                .body("candidates.host", contains("good-a", "good-b"))
                // good-a: mean of free CPU (28/32) and memory (120/128 GiB) after placement.
                .body("candidates[0].score", equalTo(90.6f))
                // good-b already runs 16 vCPUs / 64 GiB: (12/32 + 56/128) / 2.
                .body("candidates[1].score", equalTo(40.6f))
                // The parent with the most free nvidia-231 instances.
                .body("candidates[0].device", equalTo("0000:d8:00.0"))
                .body("rejected.host", contains("dead", "down", "full", "mismatch", "no-type", "small", "stale"));
    }

    @Test
    void probesCarryTheSourceBoardDriverAndReleaseForRuleBackends() {
        targets("vm-1");

        assertThat(fleet.agreeing.questions()).isNotEmpty().allSatisfy(q -> {
            assertThat(q.getSourceTypeId()).isEqualTo("nvidia-231");
            assertThat(q.getSourceBoard()).isEqualTo("T4");
            assertThat(q.getSourceDriver()).isEqualTo("nvidia");
            assertThat(q.getSourceDriverVersion()).isEqualTo("550.90.07");
            assertThat(q.getSourceRelease()).isEqualTo("2025.1");
        });
    }

    @Test
    void aSecondQueryUsesStoredVerdictsAndAsksNoAgentAgain() {
        targets("vm-1");
        int asked = fleet.agreeing.calls();
        assertThat(asked).isPositive();

        JsonPath again = targets("vm-1");

        assertThat(fleet.agreeing.calls()).as("questions: %s", fleet.agreeing.questions()).isEqualTo(asked);
        assertThat(again.getList("candidates.host", String.class)).contains("good-a", "good-b");
        assertThat(Inventory.count(ds, "compatibility_verdict")).isPositive();
    }

    @Test
    void aNewReportOfTheTargetMakesItsStoredVerdictStaleSoTheAgentIsAskedAgain() {
        targets("vm-1");
        int asked = fleet.agreeing.calls();
        // good-a's driver was upgraded: its agent holds another signature, and good-a reports it.
        fleet.agreeing.signature("nvidia-231", "nvidia-231/T4/nvidia-570.124.06");
        fleet.reportAgain("good-a", 2, "nvidia-231/T4/nvidia-570.124.06");

        JsonPath after = targets("vm-1");

        assertThat(fleet.agreeing.calls()).isGreaterThan(asked);
        assertThat(after.getList("candidates.host", String.class)).doesNotContain("good-a");
        assertThat(reasonsOf(after, "good-a")).extracting(r -> r.get("code")).containsExactly("PROBE_INCOMPATIBLE");
    }

    @Test
    void aHostAnOperatorDrainsIsRejectedWithHostDrainingUntilActiveAgain() {
        given().contentType("application/json").body(Map.of("state", "DRAINING", "reason", "replace DIMM"))
                .put("/api/v1/hosts/good-a/admin-state").then().statusCode(200)
                .body("adminState", equalTo("DRAINING"))
                .body("adminReason", equalTo("replace DIMM"));

        JsonPath drained = targets("vm-1");
        assertThat(reasonsOf(drained, "good-a")).extracting(r -> r.get("code")).containsExactly("HOST_DRAINING");
        assertThat(drained.getString("summary")).contains("1 draining");

        given().contentType("application/json").body(Map.of("state", "active"))
                .put("/api/v1/hosts/good-a/admin-state").then().statusCode(200).body("adminState", equalTo("ACTIVE"));
        assertThat(targets("vm-1").getList("candidates.host", String.class)).contains("good-a");
    }

    @Test
    void aBadAdminStateIs400AndAnUnknownHost404BothWithCodeAndMessage() {
        given().contentType("application/json").body(Map.of("state", "ASLEEP"))
                .put("/api/v1/hosts/good-a/admin-state").then().statusCode(400)
                .body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", equalTo("state is not one of [ACTIVE, DRAINING, MAINTENANCE], got 'ASLEEP'"));
        given().contentType("application/json").body(Map.of("state", "DRAINING"))
                .put("/api/v1/hosts/nope/admin-state").then().statusCode(404)
                .body("code", equalTo("NOT_FOUND"));
        given().get("/api/v1/hosts/good-a").then().body("adminState", equalTo("ACTIVE"));
    }

    @Test
    void anAdminStateChangeWithoutStateOrWithoutBodyIs400NamingWhatIsMissing() {
        given().contentType("application/json").body(Map.of("reason", "rack work"))
                .put("/api/v1/hosts/good-a/admin-state").then().statusCode(400)
                .body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", equalTo("state is required: one of [ACTIVE, DRAINING, MAINTENANCE]"));
        given().contentType("application/json").put("/api/v1/hosts/good-a/admin-state").then().statusCode(400)
                .body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", equalTo("body is required: {state, reason}"));
        given().get("/api/v1/hosts/good-a").then().body("adminState", equalTo("ACTIVE"));
    }

    @Test
    void aHostOnAnOlderReleaseIsRejectedWithOlderRelease() {
        grpc.inventory().reportInventory(report(host("old", 1, fleet.agreeing.endpoint())
                .setHost(io.migplan.proto.v1.Host.newBuilder().setId("old").setRelease("2024.4").setCpus(32)
                        .setMemoryMib(131072).setAgentEndpoint(fleet.agreeing.endpoint()))
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 8, Fleet.SIG)))));

        assertThat(reasonsOf(targets("vm-1"), "old")).singleElement().satisfies(r -> {
            assertThat(r.get("code")).isEqualTo("OLDER_RELEASE");
            assertThat(r.get("message")).isEqualTo("host old runs release 2024.4, older than 2025.1 on src:"
                    + " backward migration is not allowed by policy");
        });
    }

    @Test
    void aHostRunningAnotherMemberOfTheVmsAntiAffinityGroupIsRejected() {
        grpc.inventory().reportInventory(report(host("src", 2, fleet.agreeing.endpoint())
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 5, Fleet.SIG)))
                .addInstances(io.migplan.scheduler.testsupport.Snapshots.instance(Fleet.MDEV, "nvidia-231",
                        "0000:3b:00.0"))
                .addVms(vm("vm-1", Fleet.VM_UUID, 4, 8192, Fleet.MDEV).toBuilder().setAntiAffinityGroup("db").build())));
        grpc.inventory().reportInventory(report(host("good-b", 2, fleet.agreeing.endpoint())
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 8, Fleet.OTHER_SIG)))
                .addVms(vm("db-2", "5d3c8e10-0000-4000-8000-0000000000d2", 2, 2048).toBuilder()
                        .setAntiAffinityGroup("db").build())));

        JsonPath body = targets("vm-1");

        assertThat(body.getList("candidates.host", String.class)).doesNotContain("good-b").contains("good-a");
        assertThat(reasonsOf(body, "good-b")).singleElement().satisfies(r -> {
            assertThat(r.get("code")).isEqualTo("ANTI_AFFINITY");
            assertThat(r.get("message")).isEqualTo("host good-b already runs VM db-2 of anti-affinity group db");
        });
        given().get("/api/v1/vms/vm-1").then().statusCode(200).body("antiAffinityGroup", equalTo("db"));
    }

    @Test
    void theSummaryCountsEveryReason() {
        assertThat(targets("vm-1").getString("summary")).isEqualTo("2/9 hosts eligible: 2 no free nvidia-231,"
                + " 1 down, 1 insufficient CPU, 1 insufficient memory, 1 no device type nvidia-231,"
                + " 1 probe incompatible, 1 probe unknown, 1 stale");
    }

    @Test
    void aStaleHostIsRejectedWithHostStale() {
        assertThat(reasonsOf(targets("vm-1"), "stale")).singleElement().satisfies(r -> {
            assertThat(r.get("code")).isEqualTo("HOST_STALE");
            assertThat(r.get("message")).startsWith("host stale is STALE: last heartbeat ");
        });
    }

    @Test
    void aDownHostIsRejectedWithHostDown() {
        assertThat(reasonsOf(targets("vm-1"), "down")).singleElement()
                .satisfies(r -> assertThat(r.get("code")).isEqualTo("HOST_DOWN"));
    }

    @Test
    void aHostWithoutTheTypeIsRejectedWithNoDeviceType() {
        assertThat(reasonsOf(targets("vm-1"), "no-type")).containsExactly(
                Map.of("code", "NO_DEVICE_TYPE", "message", "host no-type has no device type nvidia-231"));
    }

    @Test
    void aHostWithoutAFreeInstanceIsRejectedWithNoFreeInstance() {
        assertThat(reasonsOf(targets("vm-1"), "full")).containsExactly(Map.of("code", "NO_FREE_INSTANCE",
                "message", "host full: no free instance of nvidia-231 (requested 1, available 0 on 0000:3b:00.0)"));
    }

    @Test
    void everyCheapReasonOfAHostIsListedAndItsAgentIsNotAsked() {
        assertThat(reasonsOf(targets("vm-1"), "small")).extracting(r -> r.get("code"))
                .containsExactly("INSUFFICIENT_CPU", "INSUFFICIENT_MEMORY", "NO_FREE_INSTANCE");
        assertThat(reasonsOf(targets("vm-1"), "small").get(0).get("message"))
                .isEqualTo("host small: not enough CPU for VM vm-1 (requested 4 vCPUs, free 2 of 2)");
        assertThat(fleet.neverAsked.calls()).isZero();
    }

    @Test
    void anAgentThatRefusesTheSignatureRejectsWithProbeIncompatible() {
        assertThat(reasonsOf(targets("vm-1"), "mismatch")).singleElement().satisfies(r -> {
            assertThat(r.get("code")).isEqualTo("PROBE_INCOMPATIBLE");
            assertThat(r.get("message")).startsWith("host mismatch: nvidia-231 on 0000:3b:00.0 does not accept"
                    + " the state of mdev " + Fleet.MDEV).contains("SIGNATURE_MISMATCH").contains(Fleet.OTHER_SIG);
        });
    }

    @Test
    void anUnreachableAgentIsProbeUnknownNeverCompatible() {
        assertThat(reasonsOf(targets("vm-1"), "dead")).singleElement().satisfies(r -> {
            assertThat(r.get("code")).isEqualTo("PROBE_UNKNOWN");
            assertThat(r.get("message")).contains("agent at " + fleet.deadEndpoint + " is unreachable");
        });
    }

    @Test
    void aSlowAgentIsProbeUnknownAndDoesNotHoldTheAnswerBeyondTheDeadline() throws Exception {
        try (FakeAgent slow = new FakeAgent().signature("nvidia-231", Fleet.SIG).delay(Duration.ofSeconds(4))) {
            grpc.inventory().reportInventory(report(host("slow", 1, slow.endpoint())
                    .addParents(parent("0000:3b:00.0", type("nvidia-231", 8, Fleet.SIG)))));

            long start = System.nanoTime();
            JsonPath body = targets("vm-1");
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(reasonsOf(body, "slow")).singleElement().satisfies(r -> {
                assertThat(r.get("code")).isEqualTo("PROBE_UNKNOWN");
                assertThat(r.get("message")).contains("did not answer within 1000 ms");
            });
            // The test probe timeout is 1 s; the 4 s agent must not be waited for.
            assertThat(took).isLessThan(Duration.ofMillis(3500));
            assertThat(body.getList("candidates.host")).contains("good-a", "good-b");
        }
    }

    @Test
    void aVmWithoutDevicesNeedsNoProbe() {
        given().get("/api/v1/vms/vm-plain/targets").then().statusCode(200)
                .body("candidates.host", hasItem("dead"))
                .body("candidates.host", hasItem("mismatch"))
                .body("candidates.find { it.host == 'dead' }.device", equalTo(""));
    }

    @Test
    void aVmIsFoundByUuidToo() {
        given().get("/api/v1/vms/{id}/targets", Fleet.VM_UUID).then().statusCode(200).body("vm", equalTo("vm-1"));
        given().get("/api/v1/vms/{id}", Fleet.VM_UUID).then().statusCode(200)
                .body("name", equalTo("vm-1"))
                .body("host", equalTo("src"))
                .body("devices", hasSize(1))
                .body("devices[0].uuid", equalTo(Fleet.MDEV))
                .body("devices[0].typeId", equalTo("nvidia-231"))
                .body("devices[0].parent", equalTo(Fleet.SRC_PARENT));
    }

    @Test
    void theVmListShowsEveryVmWithItsHost() {
        given().get("/api/v1/vms").then().statusCode(200)
                .body("name", contains("busy", "vm-1", "vm-plain"))
                .body("find { it.name == 'vm-1' }.host", equalTo("src"))
                .body("find { it.name == 'vm-1' }.vcpus", equalTo(4))
                .body("find { it.name == 'vm-1' }.memoryMib", equalTo(8192));
    }

    @Test
    void aVmHoldingAnUnreportedMdevIsAConflictNotARejection() {
        grpc.inventory().reportInventory(report(host("odd", 1, fleet.agreeing.endpoint())
                .addVms(io.migplan.scheduler.testsupport.Snapshots.vm("vm-ghost",
                        "5d3c8e10-0000-4000-8000-0000000000ff", 1, 1024, "ghost-mdev"))));

        given().get("/api/v1/vms/vm-ghost/targets").then().statusCode(409)
                .body("code", equalTo("INVENTORY_INCOMPLETE"))
                .body("message", containsString("mdev ghost-mdev"));
    }

    @Test
    void theSummaryViewGivesTheFullAnswersSummaryCountsAndBestCandidates() {
        for (String vm : List.of("vm-1", "vm-plain")) {
            JsonPath full = targets(vm);
            JsonPath summary = given().queryParam("view", "summary").get("/api/v1/vms/{id}/targets", vm).then()
                    .statusCode(200).extract().jsonPath();

            List<Map<String, Object>> candidates = full.getList("candidates");
            List<Map<String, Object>> rejected = full.getList("rejected");
            assertThat(summary.getString("vm")).isEqualTo(full.getString("vm"));
            assertThat(summary.getString("sourceHost")).isEqualTo(full.getString("sourceHost"));
            assertThat(summary.getString("summary")).isEqualTo(full.getString("summary"));
            assertThat(summary.getInt("eligible")).isEqualTo(candidates.size());
            assertThat(summary.getInt("hosts")).isEqualTo(candidates.size() + rejected.size());
            assertThat(summary.getList("candidates"))
                    .isEqualTo(candidates.subList(0, Math.min(VmResource.DEFAULT_LIMIT, candidates.size())));
            Map<String, Integer> byCode = new java.util.TreeMap<>();
            for (Map<String, Object> r : rejected) {
                @SuppressWarnings("unchecked")
                List<Map<String, String>> reasons = (List<Map<String, String>>) r.get("reasons");
                reasons.stream().map(x -> x.get("code")).distinct().forEach(c -> byCode.merge(c, 1, Integer::sum));
            }
            Map<String, Integer> summarised = new java.util.TreeMap<>();
            summary.<Map<String, Object>>getList("rejectedByCode")
                    .forEach(c -> summarised.put((String) c.get("code"), (Integer) c.get("hosts")));
            assertThat(summarised).as(vm).isEqualTo(byCode);
            assertThat(summary.getMap("$")).doesNotContainKey("rejected");
        }
    }

    @Test
    void theSummaryViewListsAsManyCandidatesAsAskedMostHostsFirstInItsCodes() {
        JsonPath full = targets("vm-1");

        given().queryParam("view", "summary").queryParam("limit", 1).get("/api/v1/vms/vm-1/targets").then()
                .statusCode(200)
                .body("candidates", hasSize(1))
                .body("candidates[0].host", equalTo(full.getString("candidates[0].host")))
                .body("candidates[0].device", equalTo(full.getString("candidates[0].device")))
                .body("rejectedByCode[0].code", equalTo("NO_FREE_INSTANCE"))
                .body("rejectedByCode[0].hosts", equalTo(2));
    }

    @Test
    void anUnknownViewOrABadLimitIs400WithCodeAndMessage() {
        given().queryParam("view", "brief").get("/api/v1/vms/vm-1/targets").then().statusCode(400)
                .body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", equalTo("view is not one of [full, summary], got 'brief'"));
        for (String limit : List.of("0", "101", "ten", "-3")) {
            given().queryParam("view", "summary").queryParam("limit", limit).get("/api/v1/vms/vm-1/targets").then()
                    .statusCode(400)
                    .body("code", equalTo("INVALID_ARGUMENT"))
                    .body("message", equalTo("limit must be a whole number from 1 to 100, got '" + limit + "'"));
        }
        given().queryParam("limit", 5).get("/api/v1/vms/vm-1/targets").then().statusCode(400)
                .body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", containsString("limit applies to view=summary only"));
        given().queryParam("view", "summary").get("/api/v1/vms/nope/targets").then().statusCode(404)
                .body("code", equalTo("NOT_FOUND"));
    }

    @Test
    void theFullViewCanBeAskedForByName() {
        given().queryParam("view", "full").get("/api/v1/vms/vm-1/targets").then().statusCode(200)
                .body("rejected.host", contains("dead", "down", "full", "mismatch", "no-type", "small", "stale"));
    }

    @Test
    void anUnknownVmIs404WithCodeAndMessage() {
        given().get("/api/v1/vms/nope/targets").then().statusCode(404)
                .body("code", equalTo("NOT_FOUND"))
                .body("message", equalTo("no VM with UUID or name 'nope'"));
        given().get("/api/v1/vms/nope").then().statusCode(404).body("code", equalTo("NOT_FOUND"));
        given().get("/api/v1/hosts/nope").then().statusCode(404)
                .body("message", containsString("no host named 'nope'"));
    }
}
