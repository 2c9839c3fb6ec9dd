package io.migplan.scheduler.testsupport;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;

/**
 * Creating a campaign over REST as a client does: the POST answers 202 with the campaign PLANNING
 * and its Location, and the plan appears there once solved in the background.
 */
public final class Campaigns {

    /** Longer than any test fleet's plan takes, even on a loaded machine. */
    public static final Duration PLAN_WAIT = Duration.ofMinutes(3);

    private Campaigns() {
    }

    /** POSTs {@code body}, checks the 202 answer (PLANNING, with its Location) and returns the campaign's id. */
    public static String accept(Object body) {
        var answer = given().contentType(ContentType.JSON).body(body).post("/api/v1/campaigns").then()
                .statusCode(202).body("state", equalTo("PLANNING")).extract();
        String id = answer.jsonPath().getString("id");
        assertThat(answer.header("Location")).endsWith("/api/v1/campaigns/" + id);
        return id;
    }

    /** POSTs {@code body} and waits for its plan: the campaign as GET shows it once no longer PLANNING. */
    public static JsonPath create(Object body) {
        return planned(accept(body));
    }

    /** Waits until campaign {@code id} is no longer PLANNING; returns it as GET then shows it. */
    public static JsonPath planned(String id) {
        return await("campaign " + id + " is planned").atMost(PLAN_WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> given().get("/api/v1/campaigns/{id}", id).then().statusCode(200).extract().jsonPath(),
                        c -> !c.getString("state").equals("PLANNING"));
    }
}
