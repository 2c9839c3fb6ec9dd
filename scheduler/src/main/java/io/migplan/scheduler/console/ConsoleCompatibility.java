package io.migplan.scheduler.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.compatibility.Verdicts;
import io.migplan.scheduler.error.RefusalException;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
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
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The compatibility page: the stored verdicts as a heat map ({@link CompatibilityHeatMap}), source
 * signature by target board and release, drawn by ECharts with the probe's reason on hover, and the
 * same cells as a table. Reads only what is stored and valid; asks no agent.
 */
@Path(ConsolePaths.ROOT + "/compatibility")
@Produces(MediaType.TEXT_HTML)
public class ConsoleCompatibility {

    @Inject
    ClusterSnapshotHolder snapshot;
    @Inject
    Verdicts verdicts;
    @Inject
    ObjectMapper json;
    @Inject
    Frames frames;

    @CheckedTemplate(basePath = "console")
    static class Templates {
        static native TemplateInstance compatibility(Frame frame, CompatibilityHeatMap.Map2 map, String data,
                List<String> states);
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    public TemplateInstance page() {
        ClusterSnapshot s = snapshot.current();
        CompatibilityHeatMap.Map2 map = CompatibilityHeatMap.of(s, verdicts.stored(s, CompatibilityHeatMap.keys(s)));
        return Templates.compatibility(frames.of("Compatibility", "compatibility"), map, chartData(map),
                CompatibilityHeatMap.STATES);
    }

    /**
     * The chart's data as JSON for a {@code <script type="application/json">} element: the axes, the
     * cells as [column, row, state] and their reasons. {@code <} is written as {@code \u003c}, so no
     * text in it can end the element.
     */
    String chartData(CompatibilityHeatMap.Map2 map) {
        try {
            String text = json.writeValueAsString(Map.of(
                    "columns", map.columns().stream().map(CompatibilityHeatMap.Column::label).toList(),
                    "rows", map.rows().stream().map(CompatibilityHeatMap.Row::signature).toList(),
                    "states", CompatibilityHeatMap.STATES,
                    "cells", map.cells().stream().map(c -> List.of(c.column(), c.row(), c.state())).toList(),
                    "reasons", map.cells().stream().map(CompatibilityHeatMap.Cell::reason).toList()));
            return text.replace("<", "\\u003c");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the compatibility map cannot be written as JSON", e);
        }
    }

    @ServerExceptionMapper
    Response unauthenticated(UnauthorizedException e, HttpHeaders headers, UriInfo uri, ContainerRequestContext request) {
        return ConsoleRefusals.unauthenticated(headers, uri, request.getMethod());
    }

    @ServerExceptionMapper
    Response forbidden(ForbiddenException e, HttpHeaders headers) {
        return ConsoleRefusals.forbidden(frames.of("Not allowed", "compatibility"), headers, "see the compatibility matrix");
    }

    @ServerExceptionMapper
    Response refused(RefusalException e, HttpHeaders headers) {
        return ConsoleRefusals.refused(frames.of("Refused", "compatibility"), headers, e);
    }
}
