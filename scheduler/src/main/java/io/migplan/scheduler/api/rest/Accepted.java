package io.migplan.scheduler.api.rest;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.RuntimeDelegate;
import java.net.URI;
import java.util.Map;

/**
 * The answer to a request that started work in the background (a plan, a campaign, an evacuation):
 * {@code 202 Accepted}, what was started as the body, and its {@code Location} to follow. Made once
 * at start-up and thrown away, so the first such request does not find and load JAX-RS's runtime
 * (its {@link RuntimeDelegate}, the response builder, the header's writer) itself.
 */
@ApplicationScoped
public class Accepted {

    /** {@code 202} with {@code body}, naming {@code location} (a path under the API) to follow. */
    static Response of(Object body, String location) {
        return Response.accepted(body).location(URI.create(location)).build();
    }

    void prepare(@Observes StartupEvent start) {
        Response made = of(Map.of("id", "start-up"), "/api/v1/plans/start-up");
        RuntimeDelegate.getInstance().createHeaderDelegate(URI.class).toString(made.getLocation());
    }
}
