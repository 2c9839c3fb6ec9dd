package io.migplan.scheduler.api.rest;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.instance;
import static io.migplan.scheduler.testsupport.Snapshots.parent;
import static io.migplan.scheduler.testsupport.Snapshots.report;
import static io.migplan.scheduler.testsupport.Snapshots.type;
import static io.migplan.scheduler.testsupport.Snapshots.vm;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.agroal.api.AgroalDataSource;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /hosts} and {@code GET /vms} a page at a time against the real scheduler and
 * PostgreSQL: a walk gives every row once even with hosts reported between its pages, the filters
 * narrow pages and whole lists alike, the unpaged array stays as it was, and a bad limit, cursor or
 * filter is a 400 naming the parameter.
 *
 * <pre>
 * host-00 .. host-11: release 2025.1 (even) or 2025.2 (odd); pool=gpu-a, or gpu-b for every third;
 *                     a T4 parent, and an A100 parent on host-00, -04, -08; two VMs each, vm-NN-a with
 *                     an nvidia-231 mdev on the T4 and vm-NN-b without devices
 * host-03            DOWN; host-05 MAINTENANCE
 * </pre>
 */
@QuarkusTest
class PagedListsTest {

    static final int HOSTS = 12;

    @Inject
    AgroalDataSource ds;

    SchedulerGrpc grpc;

    @BeforeEach
    void setUp() {
        Inventory.clear(ds);
        grpc = new SchedulerGrpc();
        for (int i = 0; i < HOSTS; i++) {
            reportHost("host-%02d".formatted(i), i);
        }
        Inventory.update(ds, "update host set state = 'DOWN' where id = 'host-03';"
                + " update host set admin_state = 'MAINTENANCE' where id = 'host-05'");
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        grpc.close();
        Inventory.clear(ds);
    }

    private void reportHost(String id, int i) {
        String mdev = "9e6a0c3e-3f7a-4c1b-9a4e-%012d".formatted(i);
        HostSnapshot.Builder h = host(id, 1, "127.0.0.1:1");
        h.getHostBuilder().setRelease(i % 2 == 0 ? "2025.1" : "2025.2").putLabels("pool", i % 3 == 0 ? "gpu-b" : "gpu-a");
        h.addParents(parent("0000:3b:00.0", type("nvidia-231", 4, "nvidia-231/T4/550.90.07")))
                .addInstances(instance(mdev, "nvidia-231", "0000:3b:00.0"))
                .addVms(vm("vm-%02d-a".formatted(i), "5d3c8e10-0000-4000-8000-%012d".formatted(2 * i), 2, 2048, mdev))
                .addVms(vm("vm-%02d-b".formatted(i), "5d3c8e10-0000-4000-8000-%012d".formatted(2 * i + 1), 2, 2048));
        if (i % 4 == 0) {
            h.addParents(ParentDevice.newBuilder(parent("0000:af:00.0", type("nvidia-500", 4, "nvidia-500/A100/550")))
                    .setBoard("A100").build());
        }
        grpc.inventory().reportInventory(report(h));
    }

    /** Every item of a walk from the first page, {@code limit} a page, calling {@code between} after each page. */
    private static List<Map<String, Object>> walk(String path, String query, int limit, Consumer<Integer> between) {
        List<Map<String, Object>> all = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = given().queryParam("limit", limit);
            if (cursor != null) {
                request = request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get(path + (query.isEmpty() ? "" : "?" + query)).then().statusCode(200).extract()
                    .jsonPath();
            List<Map<String, Object>> items = page.getList("items");
            assertThat(items.size()).isLessThanOrEqualTo(limit);
            all.addAll(items);
            cursor = page.getString("next");
            between.accept(++pages);
            assertThat(pages).as("the walk ends").isLessThan(100);
        } while (cursor != null);
        return all;
    }

    private static List<String> ids(List<Map<String, Object>> items, String field) {
        return items.stream().map(m -> (String) m.get(field)).toList();
    }

    @Test
    void aWalkOfHostsGivesEveryHostOnceInIdOrderWhileHostsAreReportedBetweenPages() {
        List<String> before = given().get("/api/v1/hosts").then().statusCode(200).extract().jsonPath()
                .getList("id", String.class);
        assertThat(before).hasSize(HOSTS);
        List<Map<String, Object>> items = walk("/api/v1/hosts", "", 5, page -> {
            // One sorts before the walk's position, one after it: neither may shift the walk.
            reportHost("a-early-" + page, 20 + page);
            reportHost("z-late-" + page, 40 + page);
        });
        List<String> seen = ids(items, "id");
        assertThat(new HashSet<>(seen)).as("no host twice").hasSameSizeAs(seen);
        assertThat(seen).containsAll(before).isSorted().contains("z-late-1").doesNotContain("a-early-1");
        assertThat(items.get(0)).containsEntry("vmCount", 2).containsKey("labels");
    }

    @Test
    void aWalkOfVmsGivesEveryVmOnceByNameThenHost() {
        List<String> before = given().get("/api/v1/vms").then().statusCode(200).extract().jsonPath()
                .getList("uuid", String.class);
        assertThat(before).hasSize(2 * HOSTS);
        List<Map<String, Object>> items = walk("/api/v1/vms", "", 7, page -> reportHost("host-9" + page, 60 + page));
        List<String> seen = ids(items, "uuid");
        assertThat(new HashSet<>(seen)).as("no VM twice").hasSameSizeAs(seen);
        assertThat(seen).containsAll(before);
        assertThat(ids(items, "name")).isSorted();
    }

    @Test
    void theWholeVmListHoldsMoreVmsThanOneStatementMayBind() {
        // PostgreSQL's protocol takes at most 32,767 bind parameters per statement; a fleet has more VMs.
        int bulk = 33_000;
        Inventory.update(ds, "insert into vm (host, name, uuid, vcpus, memory_mib) select 'host-01', 'bulk-' || g,"
                + " 'bulk-uuid-' || g, 1, 1024 from generate_series(1, " + bulk + ") g");
        JsonPath all = given().get("/api/v1/vms").then().statusCode(200).extract().jsonPath();
        assertThat(all.getList("uuid")).hasSize(2 * HOSTS + bulk);
        assertThat(all.getString("find { it.name == 'vm-00-a' }.devices[0].typeId")).isEqualTo("nvidia-231");
    }

    @Test
    void withoutLimitOrCursorTheListIsTheArrayItWasAndALastPageHasNoNext() {
        given().get("/api/v1/hosts").then().statusCode(200).body("size()", equalTo(HOSTS))
                .body("[0].id", equalTo("host-00"));
        given().get("/api/v1/hosts?limit=1000").then().statusCode(200).body("items.size()", equalTo(HOSTS))
                .body("next", nullValue());
        given().get("/api/v1/vms?limit=1").then().statusCode(200).body("items.size()", equalTo(1))
                .body("items[0].name", equalTo("vm-00-a")).body("items[0].devices[0].typeId", equalTo("nvidia-231"));
    }

    @Test
    void hostFiltersNarrowPagesAndWholeLists() {
        assertThat(hostIds("release=2025.2")).containsExactly("host-01", "host-03", "host-05", "host-07", "host-09",
                "host-11");
        assertThat(hostIds("state=down")).containsExactly("host-03");
        assertThat(hostIds("adminState=MAINTENANCE")).containsExactly("host-05");
        assertThat(hostIds("board=A100")).containsExactly("host-00", "host-04", "host-08");
        assertThat(hostIds("label=pool=gpu-b")).containsExactly("host-00", "host-03", "host-06", "host-09");
        assertThat(hostIds("label=pool=gpu-b&release=2025.1&board=A100")).containsExactly("host-00");
        assertThat(hostIds("label=pool=gpu-b&label=rack=r9")).isEmpty();
        assertThat(ids(walk("/api/v1/hosts", "release=2025.1", 2, p -> { }), "id")).containsExactly("host-00",
                "host-02", "host-04", "host-06", "host-08", "host-10");
    }

    private static List<String> hostIds(String query) {
        return given().get("/api/v1/hosts?" + query).then().statusCode(200).extract().jsonPath()
                .getList("id", String.class);
    }

    @Test
    void vmFiltersNarrowPagesAndWholeLists() {
        assertThat(given().get("/api/v1/vms?host=host-02").then().statusCode(200).extract().jsonPath()
                .getList("name", String.class)).containsExactly("vm-02-a", "vm-02-b");
        assertThat(ids(walk("/api/v1/vms", "type=nvidia-231", 5, p -> { }), "name")).hasSize(HOSTS)
                .allMatch(n -> n.endsWith("-a"));
        assertThat(ids(walk("/api/v1/vms", "board=T4&state=DOWN", 5, p -> { }), "name")).containsExactly("vm-03-a");
        given().get("/api/v1/vms?board=A100").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void aBadLimitCursorOrFilterIs400NamingTheParameter() {
        for (String limit : List.of("0", "1001", "-3", "ten", " ")) {
            given().queryParam("limit", limit).get("/api/v1/hosts").then().statusCode(400).body("code", equalTo("INVALID_ARGUMENT"))
                    .body("message", containsString("limit must be a whole number from 1 to 1000"));
        }
        given().get("/api/v1/vms?cursor=not-a-cursor").then().statusCode(400)
                .body("message", containsString("cursor is not one this scheduler gave"));
        String hostsCursor = given().get("/api/v1/hosts?limit=2").then().statusCode(200).extract().path("next");
        given().get("/api/v1/vms?cursor=" + hostsCursor).then().statusCode(400)
                .body("message", containsString("cursor was given for the list of hosts, not of vms"));
        given().get("/api/v1/hosts?state=UP&cursor=" + hostsCursor).then().statusCode(400)
                .body("message", containsString("cursor was given for other filters (none) than these (state=UP)"));
        given().get("/api/v1/hosts?state=sleepy").then().statusCode(400)
                .body("message", equalTo("state is not one of [UP, STALE, DOWN], got 'sleepy'"));
        given().get("/api/v1/hosts?adminState=gone").then().statusCode(400)
                .body("message", containsString("adminState is not one of [ACTIVE, DRAINING, MAINTENANCE]"));
        given().get("/api/v1/hosts?label=pool").then().statusCode(400)
                .body("message", containsString("label must be key=value"));
        given().queryParam("host", " ").get("/api/v1/vms").then().statusCode(400).body("message", containsString("host is empty"));
    }

    @Test
    void aCursorKeepsWorkingWhenTheHostItEndedOnIsGone() {
        String next = given().get("/api/v1/hosts?limit=3").then().statusCode(200).extract().path("next");
        Inventory.update(ds, "delete from host where id = 'host-02'");
        given().get("/api/v1/hosts?limit=3&cursor=" + next).then().statusCode(200)
                .body("items[0].id", equalTo("host-03"));
    }

    @Test
    void migplanHostsAndVmsWalkTheSchedulersPages() {
        String[] hosts = migplan("hosts", "--page-size", "5").lines().toArray(String[]::new);
        assertThat(hosts).hasSize(HOSTS + 2);
        assertThat(hosts[0]).startsWith("HOST ");
        assertThat(hosts[1]).startsWith("host-00 ");
        assertThat(hosts[HOSTS]).startsWith("host-11 ");
        assertThat(hosts[HOSTS + 1]).isEqualTo(HOSTS + " hosts");
        String vms = migplan("-o", "json", "vms", "--page-size", "7");
        assertThat(JsonPath.from(vms).getList("uuid", String.class)).hasSize(2 * HOSTS).doesNotHaveDuplicates();
    }

    /** {@code migplan ARGS} in-process against this scheduler, as a viewer; its standard output. */
    private static String migplan(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        List<String> all = new ArrayList<>(List.of("--server", "http://localhost:" + io.restassured.RestAssured.port,
                "--token", io.migplan.scheduler.testsupport.TestTokens.of(io.migplan.scheduler.auth.Roles.VIEWER)));
        all.addAll(List.of(args));
        String[] argv = all.toArray(String[]::new);
        int exit = io.migplan.cli.Migplan.commandLine(new io.migplan.cli.Migplan(Map.of()), argv)
                .setOut(new java.io.PrintWriter(out, true)).setErr(new java.io.PrintWriter(err, true))
                .execute(argv);
        assertThat(exit).as(err.toString()).isZero();
        return out.toString();
    }
}
