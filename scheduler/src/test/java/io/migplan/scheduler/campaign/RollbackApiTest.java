package io.migplan.scheduler.campaign;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.FleetSpec;
import io.migplan.scheduler.snapshot.ClusterSnapshotHolder;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.snapshot.VmRecord;
import io.migplan.scheduler.testsupport.Campaigns;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.Orchestrator;
import io.migplan.scheduler.testsupport.SixHostFleet;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A campaign's way back on the six-host simulated fleet: part of the campaign is run by the test
 * orchestrator, then {@code GET …/rollback} is checked against a replay computed here from the
 * migrations the orchestrator performed and the verdict rows stored in PostgreSQL. Before the
 * old hosts' agents are asked every VM is unknown (never possible); {@code POST …/rollback/probe}
 * asks them and stores their verdicts, and the next GET counts them. A GET writes nothing.
 */
@QuarkusTest
class RollbackApiTest {

    static final String FROM = FleetSpec.DEFAULT_RELEASE;
    static final String TO = "2025.2";
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Duration POLL = Duration.ofMillis(100);

    @Inject
    AgroalDataSource ds;
    @Inject
    ClusterSnapshotHolder snapshots;

    @TempDir
    Path dir;

    RunningFleet fleet;

    @BeforeEach
    void startFleet() throws Exception {
        fleet = SixHostFleet.start(ds, dir);
    }

    @AfterEach
    void stopFleet() {
        SixHostFleet.stop(ds, fleet);
    }

    /** A VM the campaign brought to the new release, by UUID, with the batch that brought it. */
    record Moved(String vmUuid, String host, int batch) {
    }

    /** One batch's figures as the view names them. */
    record Figures(int vms, int possible, int cannot, int incompatible, int noRoom, int unknown) {
    }

    @Test
    void theViewMatchesAReplayUnknownIsNeverPossibleAndTheProbeStoresVerdictsThatTheNextViewCounts() {
        String id = Campaigns.create(Map.of("fromRelease", FROM, "toRelease", TO, "policy",
                Map.of("maxHostsInMaintenance", 2))).getString("id");
        Orchestrator o = new Orchestrator(fleet, id, TO);
        // Part of the campaign: until two VMs went to the new release (the canaries' VMs go to old hosts first).
        await("two migrations to the new release performed").atMost(Duration.ofMinutes(3)).pollInSameThread()
                .pollDelay(Duration.ZERO).pollInterval(o.pace()).until(() -> {
                    o.step();
                    return o.performed.stream().filter(p -> p.toRelease().equals(TO)).count() >= 2;
                });
        given().contentType(ContentType.JSON).post("/api/v1/campaigns/{id}/pause", id).then().statusCode(200);

        List<Moved> moved = replayMoves(id, o);
        assertThat(moved).isNotEmpty();
        await("the scheduler sees every moved VM where it went").atMost(WAIT).pollInterval(POLL)
                .until(() -> moved.stream().allMatch(m -> snapshots.current().vm(m.vmUuid())
                        .map(v -> v.host().equals(m.host())).orElse(false)));
        List<String> oldHosts = oldHostsTakingVms(id);
        assertThat(oldHosts).isNotEmpty();

        // Nothing asked of the old hosts yet: every backward verdict is unknown.
        Inventory.update(ds, "delete from compatibility_verdict where target_host in ('"
                + String.join("','", oldHosts) + "')");
        long verdicts = Inventory.count(ds, "compatibility_verdict");
        long events = Inventory.count(ds, "campaign_event");
        long audit = Inventory.count(ds, "audit_record");
        JsonPath before = rollback(id);
        rollback(id);
        assertThat(Inventory.count(ds, "compatibility_verdict")).as("a GET asks no agent and stores nothing")
                .isEqualTo(verdicts);
        assertThat(Inventory.count(ds, "campaign_event")).isEqualTo(events);
        assertThat(Inventory.count(ds, "audit_record")).isEqualTo(audit);
        assertThat(before.getInt("total.possible")).as("unknown is never possible").isZero();
        assertThat(before.getInt("total.unknown")).isEqualTo(moved.size());
        assertThat(figuresByBatch(before)).isEqualTo(expected(moved, oldHosts));
        assertThat(before.getString("strandsAfterBatch")).isNull();
        assertThat(before.getBoolean("versionRange.known")).isFalse();
        assertThat(before.getString("versionRange.why")).contains("no version range");

        // The operator asks the old hosts' agents; their verdicts are stored and counted.
        JsonPath probed = given().contentType(ContentType.JSON).post("/api/v1/campaigns/{id}/rollback/probe", id)
                .then().statusCode(200).extract().jsonPath();
        assertThat(probed.getInt("asked")).isPositive();
        assertThat(probed.getInt("stored")).isEqualTo(probed.getInt("asked"));
        assertThat(probed.getList("failed")).isEmpty();
        assertThat(probed.getInt("stillUnasked")).isZero();
        assertThat(Inventory.count(ds, "compatibility_verdict")).isEqualTo(verdicts + probed.getInt("asked"));

        JsonPath after = rollback(id);
        Map<Integer, Figures> replay = expected(moved, oldHosts);
        assertThat(figuresByBatch(after)).isEqualTo(replay);
        assertThat(after.getInt("total.possible")).as("the simulated old hosts accept the same signature back")
                .isEqualTo(replay.values().stream().mapToInt(Figures::possible).sum()).isPositive();
        assertThat(after.getInt("total.vms")).isEqualTo(moved.size());
        given().contentType(ContentType.JSON).post("/api/v1/campaigns/{id}/rollback/probe", id).then()
                .statusCode(200).body("asked", equalTo(0)).body("stillUnasked", equalTo(0));
    }

    @Test
    void anUnknownCampaignIs404ForBoth() {
        given().get("/api/v1/campaigns/{id}/rollback", "camp-none").then().statusCode(404)
                .body("code", equalTo("NOT_FOUND"));
        given().contentType(ContentType.JSON).post("/api/v1/campaigns/{id}/rollback/probe", "camp-none").then()
                .statusCode(404).body("code", equalTo("NOT_FOUND"));
    }

    private static JsonPath rollback(String id) {
        return given().get("/api/v1/campaigns/{id}/rollback", id).then().statusCode(200)
                .body("campaign", equalTo(id)).body("fromRelease", equalTo(FROM)).extract().jsonPath();
    }

    private static Map<Integer, Figures> figuresByBatch(JsonPath view) {
        Map<Integer, Figures> out = new TreeMap<>();
        for (int i = 0; i < view.getList("batches").size(); i++) {
            String f = "batches[" + i + "].figures.";
            out.put(view.getInt("batches[" + i + "].batch"), new Figures(view.getInt(f + "vms"),
                    view.getInt(f + "possible"), view.getInt(f + "cannot"), view.getInt(f + "incompatible"),
                    view.getInt(f + "noRoom"), view.getInt(f + "unknown")));
        }
        return out;
    }

    /**
     * The VMs the orchestrator moved to a host at the new release, where they went and the batch of
     * their last such migration (the campaign view says which batch each migration was in).
     */
    private List<Moved> replayMoves(String id, Orchestrator o) {
        JsonPath view = given().get("/api/v1/campaigns/{id}", id).then().statusCode(200).extract().jsonPath();
        Map<String, Integer> batchOf = new HashMap<>();
        Map<String, String> uuidOf = new HashMap<>();
        for (int b = 0; b < view.getList("batches").size(); b++) {
            int index = view.getInt("batches[" + b + "].index");
            List<String> ids = view.getList("batches[" + b + "].migrations.id", String.class);
            List<String> uuids = view.getList("batches[" + b + "].migrations.vmUuid", String.class);
            for (int m = 0; m < ids.size(); m++) {
                batchOf.put(ids.get(m), index);
                uuidOf.put(ids.get(m), uuids.get(m));
            }
        }
        Map<String, Moved> last = new LinkedHashMap<>();
        Map<String, Orchestrator.Performed> lastMove = new LinkedHashMap<>();
        o.performed.forEach(p -> lastMove.put(uuidOf.get(p.id()), p));
        lastMove.forEach((uuid, p) -> {
            if (p.toRelease().equals(TO)) {
                last.put(uuid, new Moved(uuid, p.to(), batchOf.get(p.id())));
            }
        });
        return new ArrayList<>(last.values());
    }

    /**
     * Hosts at the old release that are up and active, or that the campaign itself took out of
     * placement (stopping it puts them back), as the API shows them.
     */
    private static List<String> oldHostsTakingVms(String campaign) {
        JsonPath hosts = given().get("/api/v1/hosts").then().statusCode(200).extract().jsonPath();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < hosts.getList("id").size(); i++) {
            String reason = hosts.getString("[" + i + "].adminReason");
            boolean ours = reason != null && reason.startsWith("campaign " + campaign + ": ");
            if (hosts.getString("[" + i + "].release").equals(FROM) && hosts.getString("[" + i + "].state").equals("UP")
                    && (hosts.getString("[" + i + "].adminState").equals("ACTIVE") || ours)) {
                out.add(hosts.getString("[" + i + "].id"));
            }
        }
        return out;
    }

    /**
     * The replay: a VM could go back when some old host holds a COMPATIBLE row for its type and
     * signature at the host's current generation; unknown when no old host refused it on every
     * parent. The fleet is a quarter full, so room is never short here.
     */
    private Map<Integer, Figures> expected(List<Moved> moved, List<String> oldHosts) {
        Map<String, List<String[]>> rows = verdictRows(oldHosts);
        Map<Integer, int[]> counts = new TreeMap<>();
        for (Moved m : moved) {
            VmRecord vm = snapshots.current().vm(m.vmUuid()).orElseThrow();
            boolean possible = !oldHosts.isEmpty();
            boolean refused = true;
            for (DeviceRequest d : vm.devices()) {
                boolean accepted = false;
                boolean openHere = false;
                for (String h : oldHosts) {
                    List<String[]> cells = rows.getOrDefault(h + "\n" + d.typeId() + "\n" + d.sourceSignature(),
                            List.of());
                    accepted |= cells.stream().anyMatch(r -> r[0].equals("COMPATIBLE"));
                    openHere |= cells.isEmpty() || cells.stream().anyMatch(r -> !r[0].equals("INCOMPATIBLE"));
                }
                possible &= accepted;
                refused &= !openHere;
            }
            int[] c = counts.computeIfAbsent(m.batch(), b -> new int[3]);
            c[possible ? 0 : refused ? 1 : 2]++;
        }
        Map<Integer, Figures> out = new TreeMap<>();
        counts.forEach((b, c) -> out.put(b, new Figures(c[0] + c[1] + c[2], c[0], c[1], c[1], 0, c[2])));
        return out;
    }

    /** Verdict rows of the old hosts at their current generation, by host, type and signature. */
    private Map<String, List<String[]>> verdictRows(List<String> hosts) {
        Map<String, List<String[]>> out = new HashMap<>();
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(
                "select v.target_host, v.target_type_id, v.source_signature, v.verdict, v.code from"
                        + " compatibility_verdict v join host h on h.id = v.target_host"
                        + " and h.generation = v.target_generation where v.target_host = any(?)")) {
            s.setArray(1, c.createArrayOf("text", hosts.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1) + "\n" + rs.getString(2) + "\n" + rs.getString(3),
                            k -> new ArrayList<>()).add(new String[] {rs.getString(4), rs.getString(5)});
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
