package io.migplan.scheduler.console;

import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.error.RefusalException;
import io.migplan.scheduler.inventory.InventoryQueries;
import io.migplan.scheduler.snapshot.ClusterSnapshotHolder;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The fleet page: every host as one tile ({@link FleetTiles}) from the in-memory snapshot, with
 * filters by release, board, state and label. Rendered on the server in one answer (no request per
 * host); the filters reload the tiles through htmx, or as a plain GET form.
 */
@Path(ConsolePaths.ROOT)
@Produces(MediaType.TEXT_HTML)
public class ConsoleFleet {

    @Inject
    ClusterSnapshotHolder snapshot;
    @Inject
    InventoryQueries queries;
    @Inject
    Frames frames;

    @CheckedTemplate(basePath = "console")
    static class Templates {
        static native TemplateInstance fleet(Frame frame, FleetTiles.View fleet, FleetTiles.Filter filter,
                java.util.List<String> states, String problem);
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    public TemplateInstance root(@QueryParam("release") String release, @QueryParam("board") String board,
            @QueryParam("state") String state, @QueryParam("label") String label) {
        return fleet(release, board, state, label);
    }

    @GET
    @Path("fleet")
    @RolesAllowed(Roles.VIEWER)
    public TemplateInstance fleet(@QueryParam("release") String release, @QueryParam("board") String board,
            @QueryParam("state") String state, @QueryParam("label") String label) {
        FleetTiles.Filter filter = new FleetTiles.Filter(release, board, state, label);
        String problem = filter.problem();
        if (problem != null) {
            filter = new FleetTiles.Filter(null, null, null, null);
        }
        Set<String> labelled = filter.hasLabel() ? queries.hostsLabelled(filter.labelKey(), filter.labelValue()) : null;
        FleetTiles.View view = FleetTiles.of(snapshot.current().hosts(), filter, labelled);
        return Templates.fleet(frames.of("Fleet", "fleet"), view, filter, FleetTiles.Filter.STATES, problem);
    }

    @ServerExceptionMapper
    Response unauthenticated(UnauthorizedException e, HttpHeaders headers, UriInfo uri, ContainerRequestContext request) {
        return ConsoleRefusals.unauthenticated(headers, uri, request.getMethod());
    }

    @ServerExceptionMapper
    Response forbidden(ForbiddenException e, HttpHeaders headers) {
        return ConsoleRefusals.forbidden(frames.of("Not allowed", "fleet"), headers, "see the fleet");
    }

    @ServerExceptionMapper
    Response refused(RefusalException e, HttpHeaders headers) {
        return ConsoleRefusals.refused(frames.of("Refused", "fleet"), headers, e);
    }
}
