package io.migplan.scheduler.testsupport;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.SimulationException;
import io.migplan.scheduler.snapshot.Releases;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.pollinterval.PollInterval;

/**
 * A test orchestrator: drives a campaign through the scheduler's REST loop and performs what it
 * is told on a simulated fleet (migrations and upgrades), as an upgrade tool would. It records
 * every migration it performed, so tests can check the campaign's promises against what
 * happened rather than against what the scheduler says.
 */
public final class Orchestrator {

    /** One migration performed: where, between which releases, onto which parent. */
    public record Performed(String id, String vm, String from, String to, String fromRelease, String toRelease,
            List<Long> reservations) {
    }

    /** The name this orchestrator takes the campaign's lease under. */
    public static final String NAME = "test-orchestrator";

    private final RunningFleet fleet;
    private final String campaign;
    private final String name = NAME;
    private final String toRelease;
    public final List<Performed> performed = new ArrayList<>();
    public final List<String> failedOnPurpose = new ArrayList<>();
    public final Set<String> issued = new HashSet<>();
    public final List<String> upgraded = new ArrayList<>();
    /**
     * Issued migrations taken but neither performed nor reported (see {@link #holdWhen}), by id in
     * the order they were issued; the caller finishes them with {@link #move} and {@link #reportDone}.
     */
    public final Map<String, Map<String, Object>> held = new LinkedHashMap<>();
    /** Issued migrations to keep in flight instead of performing them now. */
    private Predicate<Map<String, Object>> holdWhen = a -> false;
    /** Migration ids the orchestrator should report failed instead of performing. */
    private Predicate<Map<String, Object>> failWhen = p -> false;
    /** The driver version each upgraded host gets ("" keeps its driver). */
    private java.util.function.Function<String, String> driverFor = h -> "";
    /** Called after each step, e.g. to fail a host part-way. */
    private Runnable afterStep = () -> {
    };
    /** Whether the last step found nothing to start or upgrade. */
    private volatile boolean idle;

    public Orchestrator(RunningFleet fleet, String campaign, String toRelease) {
        this.fleet = fleet;
        this.campaign = campaign;
        this.toRelease = toRelease;
    }

    /** Reports the first migration for which {@code when} holds (given the action's JSON) failed, without doing it. */
    public Orchestrator failOnce(Predicate<Map<String, Object>> when) {
        boolean[] used = {false};
        this.failWhen = a -> {
            if (!used[0] && when.test(a)) {
                used[0] = true;
                return true;
            }
            return false;
        };
        return this;
    }

    /** Upgrades hosts to the driver version {@code driverFor} gives ("" keeps the host's driver). */
    public Orchestrator driverVersions(java.util.function.Function<String, String> driverFor) {
        this.driverFor = driverFor;
        return this;
    }

    /**
     * Keeps every issued migration for which {@code when} holds (given the action's JSON) in flight:
     * taken, but neither performed nor reported, as when the orchestrator (or the scheduler) stops
     * between issuing a migration and reporting it. They collect in {@link #held}.
     */
    public Orchestrator holdWhen(Predicate<Map<String, Object>> when) {
        this.holdWhen = when;
        return this;
    }

    public Orchestrator afterEachStep(Runnable r) {
        this.afterStep = r;
        return this;
    }

    /** Steps until the campaign is COMPLETED (or another end state); fails after {@code limit}. */
    public String runToEnd(Duration limit) {
        try {
            return await("campaign " + campaign + " ends").atMost(limit).pollInSameThread().pollDelay(Duration.ZERO)
                    .pollInterval(pace()).until(() -> {
                        String state = step().getString("state");
                        if (state.equals("RUNNING")) {
                            afterStep.run();
                        }
                        return state;
                    }, state -> !state.equals("RUNNING"));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("campaign " + campaign + " did not end within " + limit + "; last next: "
                    + given().get("/api/v1/campaigns/{id}/next", campaign).asString() + "\nhistory: " + history(), e);
        }
    }

    /**
     * The pace of a wait that steps the campaign: the next step at once after one that had work,
     * 100 ms later after one that had none (the campaign waits on reports or on the clock).
     */
    public PollInterval pace() {
        return (poll, previous) -> idle ? Duration.ofMillis(100) : Duration.ZERO;
    }

    /** One round: ask next, perform its migrations and upgrades, report each. */
    public JsonPath step() {
        JsonPath next = given().contentType(ContentType.JSON).body(Map.of("orchestrator", name, "leaseSeconds", 120))
                .post("/api/v1/campaigns/{id}/next", campaign).then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> start = next.getList("start");
        for (Map<String, Object> a : start) {
            String id = (String) a.get("id");
            if (!issued.add(id)) {
                throw new AssertionError("migration " + id + " was issued twice");
            }
            if (holdWhen.test(a)) {
                held.put(id, a);
                continue;
            }
            perform(a);
        }
        for (String host : next.getList("upgrade", String.class)) {
            given().contentType(ContentType.JSON).body(Map.of("orchestrator", name))
                    .post("/api/v1/campaigns/{id}/hosts/{host}/upgrade-started", campaign, host).then().statusCode(200);
            fleet.upgradeHost(host, toRelease, driverFor.apply(host));
            upgraded.add(host);
        }
        idle = start.isEmpty() && next.getList("upgrade").isEmpty();
        return next;
    }

    private void perform(Map<String, Object> a) {
        String id = (String) a.get("id");
        if (failWhen.test(a)) {
            failedOnPurpose.add(id);
            given().contentType(ContentType.JSON).body(Map.of("orchestrator", name, "reason", "test: the hypervisor refused"))
                    .post("/api/v1/campaigns/{id}/migrations/{m}/failed", campaign, id).then().statusCode(200);
            return;
        }
        move(a);
        reportDone(id);
    }

    /**
     * Performs an issued migration (given the action's JSON) on the fleet and records it, without
     * reporting it. A refusal from the fleet is reported failed and fails the test.
     */
    @SuppressWarnings("unchecked")
    public Performed move(Map<String, Object> a) {
        String id = (String) a.get("id");
        String vm = (String) a.get("vm");
        String to = (String) a.get("to");
        String from = fleet.hostOf(vm).orElseThrow(() -> new AssertionError("VM " + vm + " runs nowhere"));
        if (!from.equals(a.get("from"))) {
            throw new AssertionError("migration " + id + " says VM " + vm + " is on " + a.get("from")
                    + " but it runs on " + from + "\nhistory: " + history());
        }
        String fromRelease = fleet.status(from).release();
        String toRelease = fleet.status(to).release();
        List<String> parents = (List<String>) a.get("parents");
        try {
            fleet.migrateVm(vm, to, parents.isEmpty() ? "" : parents.get(0));
        } catch (SimulationException e) {
            given().contentType(ContentType.JSON).body(Map.of("orchestrator", name, "reason", e.getMessage()))
                    .post("/api/v1/campaigns/{id}/migrations/{m}/failed", campaign, id).then().statusCode(200);
            throw new AssertionError("the fleet refused migration " + id + " of VM " + vm + " to " + to + ": "
                    + e.getMessage(), e);
        }
        List<Long> reservations = new ArrayList<>();
        ((List<Number>) a.get("reservations")).forEach(n -> reservations.add(n.longValue()));
        Performed p = new Performed(id, vm, from, to, fromRelease, toRelease, reservations);
        performed.add(p);
        return p;
    }

    /** Reports a performed migration done. */
    public void reportDone(String migration) {
        given().contentType(ContentType.JSON).body(Map.of("orchestrator", name))
                .post("/api/v1/campaigns/{id}/migrations/{m}/done", campaign, migration).then().statusCode(200);
    }

    /** The campaign's history, one event a line, for failure messages. */
    public String history() {
        JsonPath view = given().get("/api/v1/campaigns/{id}", campaign).then().extract().jsonPath();
        List<String> kinds = view.getList("history.kind", String.class);
        List<String> messages = view.getList("history.message", String.class);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < kinds.size(); i++) {
            if (!kinds.get(i).equals("MIGRATION_ISSUED") && !kinds.get(i).equals("MIGRATION_DONE")) {
                out.append('\n').append(kinds.get(i)).append(": ").append(messages.get(i));
            }
        }
        return out.toString();
    }

    /** Migrations per VM as performed. */
    public Map<String, Integer> movesPerVm() {
        Map<String, Integer> out = new HashMap<>();
        performed.forEach(p -> out.merge(p.vm(), 1, Integer::sum));
        return out;
    }

    /** Performed migrations that went to an older release. */
    public List<Performed> backward() {
        return performed.stream().filter(p -> Releases.compare(p.toRelease(), p.fromRelease()) < 0).toList();
    }
}
