package io.migplan.scheduler.console;

import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.error.PlainText;
import io.migplan.scheduler.error.RefusalException;
import io.migplan.scheduler.evacuation.PlanService;
import io.migplan.scheduler.evacuation.PlanView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * An evacuation plan's page: its migrations by wave (a wave's migrations may run at once; the next
 * wave waits for them), what could not be placed and why, and its figures, from the
 * {@link PlanService} behind {@code /api/v1/plans}.
 */
@Path(ConsolePaths.ROOT)
@Produces(MediaType.TEXT_HTML)
public class ConsolePlans {

    @Inject
    PlanService plans;
    @Inject
    Frames frames;

    @CheckedTemplate(basePath = "console")
    static class Templates {
        static native TemplateInstance plan(Frame frame, PlanView plan, List<Wave> waves);
    }

    /** The migrations of one wave, in the plan's order. */
    public record Wave(int wave, List<PlanView.Migration> migrations) {
    }

    @GET
    @Path("plans/{id}")
    @RolesAllowed(Roles.VIEWER)
    public TemplateInstance plan(@PathParam("id") @PlainText String id) {
        PlanView plan = plans.get(id);
        return Templates.plan(frames.of("Plan " + id, "campaigns"), plan, waves(plan.migrations()));
    }

    /** {@code migrations} by wave, waves in order, each keeping the plan's order. */
    static List<Wave> waves(List<PlanView.Migration> migrations) {
        Map<Integer, List<PlanView.Migration>> byWave = new TreeMap<>();
        migrations.forEach(m -> byWave.computeIfAbsent(m.wave(), w -> new ArrayList<>()).add(m));
        List<Wave> out = new ArrayList<>();
        byWave.forEach((w, ms) -> out.add(new Wave(w, List.copyOf(ms))));
        return out;
    }

    @ServerExceptionMapper
    Response unauthenticated(UnauthorizedException e, HttpHeaders headers, UriInfo uri, ContainerRequestContext request) {
        return ConsoleRefusals.unauthenticated(headers, uri, request.getMethod());
    }

    @ServerExceptionMapper
    Response forbidden(ForbiddenException e, HttpHeaders headers) {
        return ConsoleRefusals.forbidden(frames.of("Not allowed", "campaigns"), headers, "see plans");
    }

    @ServerExceptionMapper
    Response refused(RefusalException e, HttpHeaders headers) {
        return ConsoleRefusals.refused(frames.of("Refused", "campaigns"), headers, e);
    }
}
