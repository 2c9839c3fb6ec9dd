package io.migplan.scheduler.api.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.migplan.scheduler.auth.Roles;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.FleetSpec;
import io.migplan.scheduler.testsupport.Campaigns;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SixHostFleet;
import io.migplan.scheduler.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a web page on another site can make a browser send is refused and changes nothing: an HTML
 * form (url-encoded, multipart or text/plain, with fields or none) to a state-changing call, and a
 * script's body-less POST; CORS gives no other site permission. Requests are sent as a browser
 * sends them, headers exactly so (java.net.http, which adds no content type of its own).
 */
@QuarkusTest
class BrowserFormTest {

    static final String EVIL = "https://evil.example";

    @Inject
    AgroalDataSource ds;

    @TempDir
    Path dir;

    RunningFleet fleet;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void startFleet() throws Exception {
        fleet = SixHostFleet.start(ds, dir);
    }

    @AfterEach
    void stopFleet() {
        SixHostFleet.stop(ds, fleet);
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body, String origin)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        // With an operator's credentials, so that the content type alone refuses the call (a page of
        // another site could not even add them: a browser sends no bearer token by itself).
        request.header("Authorization", "Bearer " + TestTokens.of(Roles.OPERATOR));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefused(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(415);
        JsonPath error = new JsonPath(answer.body());
        assertThat(error.getString("code")).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
        assertThat(error.getString("message")).isNotBlank();
    }

    @Test
    void aFormPostIsRefusedAndChangesNothing() throws Exception {
        long plans = Inventory.count(ds, "plan");
        // A form to a call that takes a JSON body; checked before any campaign drains hosts.
        HttpResponse<String> put = send("PUT", "/api/v1/hosts/host-01/admin-state",
                "application/x-www-form-urlencoded", "state=DRAINING&reason=x", EVIL);
        assertRefused(put);
        // The same sentence as on any other call, not the framework's own about the endpoint's @Consumes.
        assertThat(new JsonPath(put.body()).getString("message")).isEqualTo("a PUT takes only Content-Type"
                + " application/json, got 'application/x-www-form-urlencoded'; a web page's form cannot change"
                + " anything here");
        given().get("/api/v1/hosts/host-01").then().statusCode(200).body("adminState", equalTo("ACTIVE"));

        String id = Campaigns.create(Map.of("fromRelease", FleetSpec.DEFAULT_RELEASE, "toRelease", "2025.2"))
                .getString("id");
        given().get("/api/v1/campaigns/{id}", id).then().statusCode(200).body("state", equalTo("RUNNING"));
        String abort = "/api/v1/campaigns/" + id + "/abort";

        HttpResponse<String> form = send("POST", abort, "application/x-www-form-urlencoded", "", EVIL);
        assertRefused(form);
        assertThat(new JsonPath(form.body()).getString("message")).isEqualTo("a POST takes only Content-Type"
                + " application/json, got 'application/x-www-form-urlencoded'; a web page's form cannot change"
                + " anything here");
        assertRefused(send("POST", abort, "multipart/form-data; boundary=x", "--x--\r\n", EVIL));
        assertRefused(send("POST", abort, "text/plain", "go", EVIL));
        assertRefused(send("POST", "/api/v1/campaigns/" + id + "/pause", "text/plain", "", EVIL));
        // A script's body-less POST needs no preflight either; it carries its page's origin.
        HttpResponse<String> script = send("POST", abort, null, null, EVIL);
        assertRefused(script);
        assertThat(new JsonPath(script.body()).getString("message")).isEqualTo("a POST from a web page (Origin"
                + " 'https://evil.example') needs Content-Type application/json, even without a body");
        // A body without any content type.
        assertRefused(send("POST", "/api/v1/plans/evacuation", null, "{\"hosts\":[\"host-01\"]}", null));

        given().get("/api/v1/campaigns/{id}", id).then().statusCode(200).body("state", equalTo("RUNNING"))
                .body("history.kind", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("ABORTED")));
        assertThat(Inventory.count(ds, "plan")).as("evacuation plans").isEqualTo(plans);

        // A program's POST without a body and without a content type (curl -X POST), or with JSON, is taken.
        assertThat(send("POST", "/api/v1/campaigns/" + id + "/pause", null, null, null).statusCode()).isEqualTo(200);
        HttpResponse<String> aborted = send("POST", abort, "application/json; charset=utf-8", null, null);
        assertThat(aborted.statusCode()).as(aborted.body()).isEqualTo(200);
        assertThat(new JsonPath(aborted.body()).getString("state")).isEqualTo("ABORTED");
    }

    @Test
    void noOtherSiteIsGivenPermissionByCors() throws Exception {
        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + RestAssured.port + "/api/v1/campaigns/camp-x/abort"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", EVIL)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).isEmpty();

        HttpResponse<String> read = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + RestAssured.port + "/api/v1/hosts")).header("Origin", EVIL)
                .header("Authorization", "Bearer " + TestTokens.of(Roles.VIEWER)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("Access-Control-Allow-Origin")).as("a page of another site may not read it")
                .isEmpty();
    }
}
