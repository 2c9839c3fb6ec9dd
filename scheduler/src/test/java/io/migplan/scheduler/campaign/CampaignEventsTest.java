package io.migplan.scheduler.campaign;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.grpc.Status;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.FleetSpec;
import io.migplan.proto.v1.CampaignEvent;
import io.migplan.proto.v1.CampaignServiceGrpc;
import io.migplan.proto.v1.WatchCampaignRequest;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.testsupport.Campaigns;
import io.migplan.scheduler.testsupport.Orchestrator;
import io.migplan.scheduler.testsupport.SixHostFleet;
import io.migplan.scheduler.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Following a campaign's history over both APIs on a small simulated fleet, with a real HTTP
 * client reading the server-sent events and a real gRPC client: every event once and in order
 * across a reconnect, resuming after a position, the limit on followers, who may follow, and a
 * follow that changes nothing. Two followers at most, pages of 7 events and a keep-alive after 1 s
 * of silence, so the bounds show in a short test; the background tick is off, so nothing moves but
 * what the test does.
 */
@QuarkusTest
@TestProfile(CampaignEventsTest.TwoFollowers.class)
class CampaignEventsTest {

    public static class TwoFollowers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("migplan.events.max-followers", "2", "migplan.events.heartbeat-every", "1s",
                    "migplan.events.page-size", "7", "migplan.campaign.tick-every", "off");
        }
    }

    static final String FROM = FleetSpec.DEFAULT_RELEASE;
    static final String TO = "2025.2";
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Duration POLL = Duration.ofMillis(50);

    @Inject
    AgroalDataSource ds;
    @Inject
    CampaignEventFeed feed;

    @TempDir
    Path dir;

    RunningFleet fleet;
    final List<AutoCloseable> opened = new ArrayList<>();

    ManagedChannel channel;

    @BeforeEach
    void startFleet() throws Exception {
        fleet = SixHostFleet.start(ds, dir);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", RestAssured.port).usePlaintext().build();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        SixHostFleet.stop(ds, fleet);
        await("every follower left").atMost(WAIT).pollInterval(POLL).until(() -> feed.followers() == 0);
    }

    private static String start(boolean dryRun) {
        return Campaigns.create(Map.of("fromRelease", FROM, "toRelease", TO, "dryRun", dryRun, "policy",
                Map.of("maxHostsInMaintenance", 2))).getString("id");
    }

    private SseFollower follow(String id, Map<String, String> headers, String query) throws Exception {
        SseFollower f = SseFollower.open("/api/v1/campaigns/" + id + "/events" + query, headers);
        opened.add(f);
        return f;
    }

    private static Map<String, String> viewer() {
        return Map.of("Authorization", "Bearer " + TestTokens.of(Roles.VIEWER));
    }

    private static Map<String, String> viewer(String lastEventId) {
        return Map.of("Authorization", "Bearer " + TestTokens.of(Roles.VIEWER), "Last-Event-ID", lastEventId);
    }

    /** The campaign's history as GET shows it: kind and sentence of each event, in order. */
    private static List<String> history(String id) {
        JsonPath view = given().get("/api/v1/campaigns/{id}", id).then().statusCode(200).extract().jsonPath();
        List<String> kinds = view.getList("history.kind", String.class);
        List<String> messages = view.getList("history.message", String.class);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            out.add(kinds.get(i) + ": " + messages.get(i));
        }
        return out;
    }

    private static List<String> lines(List<SseFollower.Received> events) {
        return events.stream().map(e -> e.event() + ": " + e.json().getString("message")).toList();
    }

    /** A gRPC follower: the events and how the stream ended. */
    private static final class GrpcFollower implements StreamObserver<CampaignEvent> {
        final List<CampaignEvent> events = new CopyOnWriteArrayList<>();
        final AtomicReference<Status> ended = new AtomicReference<>();

        @Override
        public void onNext(CampaignEvent e) {
            events.add(e);
        }

        @Override
        public void onError(Throwable t) {
            ended.set(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            ended.set(Status.OK);
        }
    }

    /** Follows over gRPC as a viewer, or with no token at all. */
    private GrpcFollower watch(String id, long after, boolean withToken) {
        GrpcFollower f = new GrpcFollower();
        CampaignServiceGrpc.CampaignServiceStub stub = CampaignServiceGrpc.newStub(channel);
        (withToken ? stub.withCallCredentials(TestTokens.grpc(TestTokens.of(Roles.VIEWER))) : stub)
                .watchCampaign(WatchCampaignRequest.newBuilder().setId(id).setAfter(after).build(), f);
        return f;
    }

    private GrpcFollower watch(String id, long after) {
        return watch(id, after, true);
    }

    @Test
    void aFollowerSeesEveryEventOnceInOrderAcrossAReconnectAndAgreesWithTheHistoryAndGrpc() throws Exception {
        String id = start(false);
        SseFollower first = follow(id, viewer(), "");
        assertThat(first.status).isEqualTo(200);
        assertThat(first.headers.firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/event-stream"));
        GrpcFollower live = watch(id, 0);

        // Mid-campaign: the first follower goes away after a few events and a second resumes
        // where it stopped; the campaign is paused and resumed meanwhile.
        AtomicReference<SseFollower> second = new AtomicReference<>();
        Orchestrator o = new Orchestrator(fleet, id, TO).afterEachStep(() -> {
            if (second.get() == null && first.events.stream().anyMatch(e -> e.event().equals("MIGRATION_DONE"))) {
                first.close();
                given().contentType(ContentType.JSON).post("/api/v1/campaigns/{id}/pause", id).then().statusCode(200);
                try {
                    await("the first follower has left").atMost(WAIT).pollInterval(POLL)
                            .until(() -> feed.followers() == 1);
                    second.set(follow(id, viewer(first.events.get(first.events.size() - 1).id()), "?after=0"));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                given().contentType(ContentType.JSON).post("/api/v1/campaigns/{id}/resume", id).then().statusCode(200);
            }
        });
        assertThat(o.runToEnd(Duration.ofMinutes(5))).isEqualTo("COMPLETED");
        assertThat(second.get()).as("the campaign went on after the first migration was done").isNotNull();
        await("the stream ends after the campaign's last event").atMost(WAIT).pollInterval(POLL)
                .until(() -> second.get().ended && live.ended.get() != null);

        List<SseFollower.Received> received = new ArrayList<>(first.events);
        received.addAll(second.get().events);
        List<String> history = history(id);
        assertThat(lines(received)).as("what the two followers received is the history, once each, in order")
                .containsExactlyElementsOf(history);
        assertThat(received.stream().map(e -> Long.parseLong(e.id())).toList())
                .containsExactlyElementsOf(LongStream.rangeClosed(1, history.size()).boxed().toList());
        assertThat(received).allSatisfy(e -> {
            JsonPath json = e.json();
            assertThat(json.getString("campaign")).isEqualTo(id);
            assertThat(json.getLong("position")).isEqualTo(Long.parseLong(e.id()));
            assertThat(json.getString("kind")).isEqualTo(e.event());
            assertThat(json.getString("at")).isNotBlank();
            assertThat(json.getString("state")).isNotBlank();
        });
        assertThat(received).extracting(SseFollower.Received::event).contains("PLANNED", "MIGRATION_ISSUED",
                "MIGRATION_DONE", "HOST_EMPTY", "UPGRADE_STARTED", "UPGRADE_REPORTED", "HOST_DONE", "PAUSED",
                "RESUMED", "COMPLETED");
        SseFollower.Received last = received.get(received.size() - 1);
        assertThat(last.event()).isEqualTo("COMPLETED");
        assertThat(last.json().getString("state")).isEqualTo("COMPLETED");
        assertThat(received).filteredOn(e -> e.event().equals("PAUSED")).singleElement()
                .satisfies(e -> assertThat(e.json().getString("state")).isEqualTo("PAUSED"));
        // Events about a migration or a host name it, as the follower needs it.
        assertThat(received).filteredOn(e -> e.event().startsWith("MIGRATION_")).allSatisfy(e -> {
            JsonPath json = e.json();
            assertThat(json.getString("migration")).isNotBlank();
            assertThat(json.getString("vm")).isNotBlank();
            assertThat(json.getString("vmUuid")).isNotBlank();
            assertThat(json.getString("from")).isNotEqualTo(json.getString("to"));
            assertThat(json.getString("host")).isNull();
            assertThat(json.getInt("batch")).isPositive();
            assertThat(e.json().getString("message")).contains(json.getString("migration"));
        });
        assertThat(received).filteredOn(e -> e.event().startsWith("HOST_") || e.event().startsWith("UPGRADE_"))
                .allSatisfy(e -> {
                    assertThat(e.json().getString("host")).isNotBlank();
                    assertThat(e.json().getString("message")).contains(e.json().getString("host"));
                    assertThat(e.json().getString("migration")).isNull();
                });
        assertThat(o.performed).extracting(Orchestrator.Performed::id).containsExactlyInAnyOrderElementsOf(received
                .stream().filter(e -> e.event().equals("MIGRATION_DONE")).map(e -> e.json().getString("migration"))
                .toList());
        // The gRPC follower, there from the start, got the same events and a clean end.
        assertThat(live.ended.get().getCode()).isEqualTo(Status.Code.OK);
        assertThat(live.events.stream().map(e -> e.getKind() + ": " + e.getMessage()).toList())
                .containsExactlyElementsOf(history);
        assertThat(live.events).extracting(CampaignEvent::getPosition)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, history.size()).boxed().toList());
        CampaignEvent done = live.events.stream().filter(e -> e.getKind().equals("MIGRATION_DONE")).findFirst()
                .orElseThrow();
        SseFollower.Received sameDone = received.get((int) done.getPosition() - 1);
        assertThat(done.getMigration()).isEqualTo(sameDone.json().getString("migration"));
        assertThat(done.getBatch()).isEqualTo(sameDone.json().getInt("batch"));
        assertThat(done.getCampaign()).isEqualTo(id);

        // On the ended campaign: resumed after a position, the rest of the history and the end at once.
        int k = history.size() / 2;
        try (SseFollower rest = follow(id, viewer(), "?after=" + k)) {
            await("the rest is sent and the stream ends").atMost(WAIT).pollInterval(POLL).until(() -> rest.ended);
            assertThat(lines(rest.events)).containsExactlyElementsOf(history.subList(k, history.size()));
        }
        Iterator<CampaignEvent> tail = CampaignServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(TestTokens.grpc(TestTokens.of(Roles.VIEWER)))
                .watchCampaign(WatchCampaignRequest.newBuilder().setId(id).setAfter(k).build());
        List<String> tailLines = new ArrayList<>();
        tail.forEachRemaining(e -> tailLines.add(e.getKind() + ": " + e.getMessage()));
        assertThat(tailLines).containsExactlyElementsOf(history.subList(k, history.size()));
    }

    @Test
    void aDryRunStreamsItsPlanAndEnds() throws Exception {
        String id = start(true);
        try (SseFollower f = follow(id, viewer(), "")) {
            await("a dry run has nothing after its plan").atMost(WAIT).pollInterval(POLL).until(() -> f.ended);
            assertThat(f.events).extracting(SseFollower.Received::event).containsExactly("PLANNED");
            assertThat(f.events.get(0).json().getString("state")).isEqualTo("DRY_RUN");
            assertThat(f.events.get(0).id()).isEqualTo("1");
        }
    }

    @Test
    void followersBeyondTheLimitAreRefusedWith429AndResourceExhaustedUntilOneLeaves() throws Exception {
        String id = start(false);
        SseFollower one = follow(id, viewer(), "");
        SseFollower two = follow(id, viewer(), "");
        assertThat(List.of(one.status, two.status)).containsOnly(200);

        SseFollower three = follow(id, viewer(), "");
        assertThat(three.status).isEqualTo(429);
        JsonPath refusal = JsonPath.from(three.refusal);
        assertThat(refusal.getString("code")).isEqualTo("EVENTS_BUSY");
        assertThat(refusal.getString("message")).contains("migplan.events.max-followers").contains("2");
        assertThat(three.headers.firstValue("Retry-After")).hasValue("5");
        GrpcFollower refused = watch(id, 0);
        await().atMost(WAIT).pollInterval(POLL).until(() -> refused.ended.get() != null);
        assertThat(refused.ended.get().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(refused.ended.get().getDescription()).startsWith("EVENTS_BUSY: ");

        // One goes away: its place is free again.
        one.close();
        await("the place is given back").atMost(WAIT).pollInterval(POLL).until(() -> feed.followers() == 1);
        SseFollower four = follow(id, viewer(), "");
        assertThat(four.status).isEqualTo(200);

        // Aborted: the followers get the end and leave.
        given().contentType(ContentType.JSON).post("/api/v1/campaigns/{id}/abort", id).then().statusCode(200);
        await("the streams end after ABORTED").atMost(WAIT).pollInterval(POLL).until(() -> two.ended && four.ended);
        assertThat(two.events.get(two.events.size() - 1).event()).isEqualTo("ABORTED");
        assertThat(four.events).extracting(SseFollower.Received::event).containsExactly("PLANNED", "ABORTED");
        await().atMost(WAIT).pollInterval(POLL).until(() -> feed.followers() == 0);
    }

    @Test
    void aViewerMayFollowNobodyWithoutATokenAndBadPositionsOrCampaignsAreRefused() throws Exception {
        String id = start(true);
        SseFollower anonymous = follow(id, Map.of(), "");
        assertThat(anonymous.status).isEqualTo(401);
        assertThat(JsonPath.from(anonymous.refusal).getString("code")).isEqualTo("UNAUTHENTICATED");

        SseFollower unknown = follow("camp-nothere", viewer(), "");
        assertThat(unknown.status).isEqualTo(404);
        assertThat(JsonPath.from(unknown.refusal).getString("message")).contains("camp-nothere");

        SseFollower negative = follow(id, viewer(), "?after=-1");
        assertThat(negative.status).isEqualTo(400);
        assertThat(JsonPath.from(negative.refusal).getString("message")).startsWith("after must be a position");
        SseFollower garbled = follow(id, viewer("abc"), "");
        assertThat(garbled.status).isEqualTo(400);
        assertThat(JsonPath.from(garbled.refusal).getString("message")).startsWith("Last-Event-ID must be a position")
                .contains("'abc'");
        assertThat(feed.followers()).isZero();

        GrpcFollower none = watch(id, 0, false);
        await().atMost(WAIT).pollInterval(POLL).until(() -> none.ended.get() != null);
        assertThat(none.ended.get().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(none.events).isEmpty();
        GrpcFollower missing = watch("camp-nothere", 0);
        await().atMost(WAIT).pollInterval(POLL).until(() -> missing.ended.get() != null);
        assertThat(missing.ended.get().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        GrpcFollower backwards = watch(id, -3);
        await().atMost(WAIT).pollInterval(POLL).until(() -> backwards.ended.get() != null);
        assertThat(backwards.ended.get().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        GrpcFollower viewer = watch(id, 0);
        await().atMost(WAIT).pollInterval(POLL).until(() -> viewer.ended.get() != null);
        assertThat(viewer.ended.get().getCode()).isEqualTo(Status.Code.OK);
        assertThat(viewer.events).extracting(CampaignEvent::getKind).containsExactly("PLANNED");
    }

    @Test
    void followingARunningCampaignChangesNothing() throws Exception {
        String id = start(false);
        String before = everything();
        try (SseFollower f = follow(id, viewer(), "")) {
            await("the plan and a keep-alive came").atMost(WAIT).pollInterval(POLL)
                    .until(() -> f.events.size() == 1 && f.comments.get() >= 2);
        }
        GrpcFollower g = watch(id, 0);
        await().atMost(WAIT).pollInterval(POLL).until(() -> g.events.size() == 1);
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        await("the gRPC follower left with its channel").atMost(WAIT).pollInterval(POLL)
                .until(() -> feed.followers() == 0);
        assertThat(everything()).as("following wrote nothing").isEqualTo(before);
        given().contentType(ContentType.JSON).post("/api/v1/campaigns/{id}/abort", id).then().statusCode(200)
                .body("state", equalTo("ABORTED"));
    }

    /** Every row of the campaign tables, the claims and the audit records, as one text. */
    private String everything() throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String table : List.of("campaign", "campaign_host", "campaign_migration", "campaign_event",
                    "slot_reservation", "audit_record")) {
                try (ResultSet r = s.executeQuery("select coalesce(string_agg(t::text, '\n' order by t::text), '')"
                        + " from " + table + " t")) {
                    r.next();
                    out.append(table).append(":\n").append(r.getString(1)).append('\n');
                }
            }
        }
        return out.toString();
    }
}
