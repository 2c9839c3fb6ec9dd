package io.migplan.scheduler.campaign;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.instance;
import static io.migplan.scheduler.testsupport.Snapshots.parent;
import static io.migplan.scheduler.testsupport.Snapshots.report;
import static io.migplan.scheduler.testsupport.Snapshots.type;
import static io.migplan.scheduler.testsupport.Snapshots.vm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.migplan.scheduler.campaign.CampaignRequest.CampaignPolicyRequest;
import io.migplan.scheduler.campaign.CampaignStore.HostRow;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.InventoryQueries;
import io.migplan.scheduler.inventory.InventoryQueries.HostDetail;
import io.migplan.scheduler.inventory.InventoryStore;
import io.migplan.scheduler.testsupport.EvacuationFleet;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Steps of a running campaign taken by {@link CampaignRunner#next} on the evacuation tests' fleet
 * (src with three T4 VMs, t4-a and t4-b with free T4 instances, v100 empty), every host at
 * 2025.1 upgraded to 2025.2, one host in maintenance at a time. The inventory changes between
 * steps the way reports change it; the campaign's rows are read from its store.
 */
@QuarkusTest
@TestProfile(CampaignContractTest.NoTick.class)
class CampaignRunnerTest {

    static final String FROM = "2025.1";
    static final String TO = "2025.2";
    static final String ORCHESTRATOR = "orch-1";

    @Inject
    AgroalDataSource ds;
    @Inject
    CampaignService campaigns;
    @Inject
    CampaignRunner runner;
    @Inject
    CampaignStore store;
    @Inject
    InventoryStore inventory;
    @Inject
    InventoryQueries queries;

    SchedulerGrpc grpc;
    EvacuationFleet fleet;

    @BeforeEach
    void setUp() throws Exception {
        Inventory.clear(ds);
        grpc = new SchedulerGrpc();
        fleet = EvacuationFleet.reportTo(grpc);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        grpc.close();
        fleet.close();
        // A campaign left RUNNING would refuse the next test's campaign and keep the runner busy.
        Inventory.clear(ds);
    }

    /** Creates a campaign and waits for its plan, solved in the background, to make it RUNNING. */
    private String start() {
        String id = campaigns.create(new CampaignRequest(FROM, TO, null, null,
                new CampaignPolicyRequest("1", null, null, null, 2, null, null, null, null), false)).id();
        await("campaign " + id + " is planned").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(50))
                .until(() -> campaigns.get(id).state(), state -> !state.equals("PLANNING"));
        return id;
    }

    /** The test's orchestrator asks what to do now, under a lease of two minutes. */
    private NextStep next(String id) {
        return runner.next(id, ORCHESTRATOR, Duration.ofMinutes(2));
    }

    /**
     * Waits for campaign {@code id}'s plan {@code version}: a re-plan is solved on a planning thread
     * with no lock held, asked for by a step (the test's and the background tick's).
     */
    private CampaignView replanned(String id, int version) {
        return await("campaign " + id + " re-planned as plan " + version).atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    next(id);
                    return campaigns.get(id);
                }, c -> c.planVersion() >= version);
    }

    private Map<String, String> hostStates(String id) {
        return QuarkusTransaction.requiringNew().call(() -> store.hosts(id)).stream()
                .collect(Collectors.toMap(HostRow::host, HostRow::state));
    }

    /** The host as stored now (a transaction of its own, so nothing read earlier in the test is reused). */
    private HostDetail stored(String id) {
        return QuarkusTransaction.requiringNew().call(() -> queries.host(id));
    }

    private static List<String> kinds(CampaignView view) {
        return view.history().stream().map(CampaignView.Event::kind).toList();
    }

    private static List<String> messages(CampaignView view, String kind) {
        return view.history().stream().filter(e -> e.kind().equals(kind)).map(CampaignView.Event::message).toList();
    }

    private static Set<String> batched(CampaignView view) {
        return view.batches().stream().flatMap(b -> b.hosts().stream()).collect(Collectors.toSet());
    }

    @Test
    void eachHostsAdminStateShowsWhatTheCampaignDoesWithItAndAnOperatorsOwnMarkIsLeftAlone() {
        inventory.setAdminState("v100", AdminState.MAINTENANCE, "operator: PSU swap");
        String id = start();
        String ours = CampaignRunner.adminReasonPrefix(id);

        NextStep next = next(id);

        Map<String, String> states = hostStates(id);
        assertThat(states).as("the first batch has started").containsAnyOf(
                Map.entry("src", "DRAINING"), Map.entry("t4-a", "READY_TO_UPGRADE"),
                Map.entry("t4-b", "READY_TO_UPGRADE"), Map.entry("v100", "READY_TO_UPGRADE"));
        assertThat(next.start().size() + next.upgrade().size()).as("something to do").isPositive();
        for (var e : states.entrySet()) {
            HostDetail h = stored(e.getKey());
            if (e.getKey().equals("v100")) {
                continue;
            }
            switch (e.getValue()) {
                case "DRAINING" -> {
                    assertThat(h.adminState()).as(e.toString()).isEqualTo(AdminState.DRAINING);
                    assertThat(h.adminReason()).as(e.toString()).isEqualTo(ours + "being emptied for " + TO);
                }
                case "READY_TO_UPGRADE", "UPGRADING", "PROBING" -> {
                    assertThat(h.adminState()).as(e.toString()).isEqualTo(AdminState.MAINTENANCE);
                    assertThat(h.adminReason()).as(e.toString()).isEqualTo(ours + "being upgraded to " + TO);
                }
                default -> assertThat(h.adminState()).as(e.toString()).isEqualTo(AdminState.ACTIVE);
            }
        }
        assertThat(stored("v100").adminState()).as("v100, the operator's").isEqualTo(AdminState.MAINTENANCE);
        assertThat(stored("v100").adminReason()).as("v100, the operator's").isEqualTo("operator: PSU swap");

        campaigns.abort(id);

        for (String h : List.of("src", "t4-a", "t4-b")) {
            assertThat(stored(h).adminState()).as(h + " after the abort").isEqualTo(AdminState.ACTIVE);
        }
        assertThat(stored("v100").adminState()).isEqualTo(AdminState.MAINTENANCE);
        assertThat(stored("v100").adminReason()).isEqualTo("operator: PSU swap");
    }

    @Test
    void aHostThatGoesDownWaitsOutsideThePlanAndIsPlannedAgainOnceItIsBack() {
        String id = start();
        assertThat(batched(campaigns.get(id))).contains("src");

        Inventory.update(ds, "update host set state = 'DOWN', last_heartbeat_at = now() - interval '1 hour'"
                + " where id = 'src'");
        next(id);

        CampaignView down = replanned(id, 2);
        assertThat(hostStates(id)).containsEntry("src", "WAITING");
        assertThat(down.waiting()).extracting(CampaignView.HostNote::host).containsExactly("src");
        assertThat(batched(down)).doesNotContain("src");
        assertThat(messages(down, "REPLAN_NEEDED")).contains("host src is not up");
        assertThat(messages(down, "REPLANNED")).singleElement().asString().startsWith("because host src is not up");
        assertThat(down.planVersion()).isEqualTo(2);

        Inventory.update(ds, "update host set state = 'UP', last_heartbeat_at = now() where id = 'src'");
        next(id);

        CampaignView back = replanned(id, 3);
        assertThat(hostStates(id).get("src")).isNotEqualTo("WAITING");
        assertThat(back.waiting()).isEmpty();
        assertThat(batched(back)).contains("src");
        assertThat(messages(back, "REPLAN_NEEDED")).contains("host src is up again");
        assertThat(messages(back, "REPLANNED")).hasSize(2).last().asString()
                .startsWith("because host src is up again");
        assertThat(back.planVersion()).isEqualTo(3);
    }

    @Test
    void aVmThatLeavesTheInventoryBeforeItsMigrationIsIssuedGetsNoMigrationAfterThePlanIsRedone() {
        String id = start();
        assertThat(campaigns.get(id).batches()).flatExtracting(CampaignView.Batch::migrations)
                .extracting(CampaignView.Migration::vm).contains("vm-1");

        // src reports again without vm-1 (and its mdev), as after the VM was deleted.
        fleet.send(grpc, report(host("src", 2, fleet.agent.endpoint())
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 6, EvacuationFleet.SIG)))
                .addInstances(instance("9e6a0c3e-3f7a-4c1b-9a4e-4d2f5a1b0002", "nvidia-231", "0000:3b:00.0"))
                .addInstances(instance("9e6a0c3e-3f7a-4c1b-9a4e-4d2f5a1b0003", "nvidia-231", "0000:3b:00.0"))
                .addVms(vm("vm-2", "5d3c8e10-0000-4000-8000-000000000002", 4, 8192,
                        "9e6a0c3e-3f7a-4c1b-9a4e-4d2f5a1b0002"))
                .addVms(vm("vm-3", "5d3c8e10-0000-4000-8000-000000000003", 4, 8192,
                        "9e6a0c3e-3f7a-4c1b-9a4e-4d2f5a1b0003"))));
        next(id);
        CampaignView view = replanned(id, 2);
        NextStep next = next(id);

        assertThat(messages(view, "REPLAN_NEEDED")).contains("VM vm-1 disappeared");
        assertThat(kinds(view)).contains("REPLANNED");
        assertThat(view.batches()).flatExtracting(CampaignView.Batch::migrations)
                .extracting(CampaignView.Migration::vm).doesNotContain("vm-1").contains("vm-2", "vm-3");
        assertThat(next.start()).extracting(NextStep.Action::vm).doesNotContain("vm-1");
    }

    /** An empty host of the fleet as reported at the start (t4-a, t4-b or v100). */
    private io.migplan.proto.v1.HostSnapshot.Builder empty(String hostId, long generation) {
        String type = hostId.equals("v100") ? "nvidia-106" : "nvidia-231";
        String sig = hostId.equals("v100") ? "nvidia-106/V100/nvidia-550.90.07" : EvacuationFleet.SIG;
        int free = switch (hostId) {
            case "t4-a" -> 2;
            default -> 8;
        };
        return host(hostId, generation, fleet.agent.endpoint()).addParents(parent("0000:3b:00.0", type(type, free, sig)));
    }

    /** An empty host of the first batch: the one the first step would hand out. */
    private String firstEmptyHost(String id) {
        return campaigns.get(id).batches().get(0).hosts().stream().filter(h -> !h.equals("src")).findFirst()
                .orElseThrow();
    }

    private static String typeOf(String hostId) {
        return hostId.equals("v100") ? "nvidia-106" : "nvidia-231";
    }

    @Test
    void aHostWhoseFreshScanCannotReadLibvirtOrShowsAnMdevOrAVmIsNeverHandedOutForUpgrade() {
        String id = start();
        String h = firstEmptyHost(id);
        // The last report says empty; what the agent finds when asked again says otherwise.
        fleet.agent.holds(empty(h, 2).addProblems(io.migplan.proto.v1.Problem.newBuilder()
                .setPath("/run/libvirt/qemu/vm-9.xml").setMessage("Domain file vm-9.xml could not be read")
                .setSource(io.migplan.proto.v1.ProblemSource.PROBLEM_SOURCE_LIBVIRT)).build());

        NextStep next = next(id);

        assertThat(next.upgrade()).doesNotContain(h);
        assertThat(hostStates(id)).containsEntry(h, "DRAINING");
        assertThat(next.waiting()).anySatisfy(w -> assertThat(w).startsWith("a fresh scan of host " + h
                + " could not read everything").contains("vm-9.xml"));
        assertThat(messages(campaigns.get(id), "HOST_NOT_PROVEN_EMPTY")).hasSize(1);

        fleet.agent.holds(empty(h, 3).addInstances(instance("9e6a0c3e-3f7a-4c1b-9a4e-4d2f5a1b0009", typeOf(h),
                "0000:3b:00.0")).build());
        next = next(id);
        assertThat(next.upgrade()).doesNotContain(h);
        assertThat(next.waiting()).anySatisfy(w -> assertThat(w).contains("still shows 1 active mdev"));

        fleet.agent.holds(empty(h, 4).addVms(vm("vm-9", "5d3c8e10-0000-4000-8000-000000000009", 1, 1)).build());
        next = next(id);
        assertThat(next.upgrade()).doesNotContain(h);
        assertThat(next.waiting()).anySatisfy(w -> assertThat(w).contains("still shows 1 VM: vm-9"));

        fleet.agent.holds(empty(h, 5).build());
        next = next(id);
        assertThat(next.upgrade()).contains(h);
        assertThat(hostStates(id)).containsEntry(h, "READY_TO_UPGRADE");
        assertThat(messages(campaigns.get(id), "HOST_NOT_PROVEN_EMPTY")).as("one event per new reason").hasSize(3);
    }

    @Test
    void aHostWhoseAgentGivesNoFreshScanIsNotHandedOut() throws Exception {
        String id = start();
        String h = firstEmptyHost(id);
        String dead = io.migplan.scheduler.testsupport.FakeAgent.deadEndpoint();
        fleet.send(grpc, report(empty(h, 2).setHost(empty(h, 2).getHost().toBuilder().setAgentEndpoint(dead))));

        NextStep next = next(id);

        assertThat(next.upgrade()).doesNotContain(h);
        assertThat(next.waiting()).anySatisfy(w -> assertThat(w).startsWith("the agent of host " + h + " at " + dead)
                .contains("gave no fresh scan (UNAVAILABLE"));
    }

    @Test
    void aHostReadyToUpgradeOnWhichAVmAppearsLeavesTheUpgradeListUntilItIsEmptyAgain() {
        String id = start();
        String h = firstEmptyHost(id);
        assertThat(next(id).upgrade()).contains(h);

        fleet.send(grpc, report(empty(h, 2).addInstances(instance("9e6a0c3e-3f7a-4c1b-9a4e-4d2f5a1b0009",
                typeOf(h), "0000:3b:00.0")).addVms(vm("vm-9", "5d3c8e10-0000-4000-8000-000000000009", 1, 1,
                "9e6a0c3e-3f7a-4c1b-9a4e-4d2f5a1b0009"))));
        NextStep next = next(id);

        assertThat(next.upgrade()).doesNotContain(h);
        assertThat(hostStates(id).get(h)).isNotEqualTo("READY_TO_UPGRADE");
        assertThat(messages(campaigns.get(id), "HOST_TAKEN_BACK")).containsExactly("VM vm-9 seen on host " + h
                + " while it is READY_TO_UPGRADE; it is not upgraded until it is empty again");
    }
}
