package io.migplan.scheduler.console;

import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.error.RefusalException;
import io.migplan.scheduler.inventory.InventoryQueries;
import io.migplan.scheduler.placement.TargetFinder;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * "Where can this VM move": a search box that finds a VM by UUID or name (the API's rule, {@link
 * InventoryQueries#findVm}), and the VM's page with the answer of {@link TargetFinder#find}, the
 * service behind {@code GET /api/v1/vms/{id}/targets}, read by {@link WhereCan}. A page asks the
 * agents exactly as that call does when verdicts are missing, and stores what they answer.
 */
@Path(ConsolePaths.ROOT + "/vms")
@Produces(MediaType.TEXT_HTML)
public class ConsoleVms {

    /** The longest search the box takes: a VM name or UUID is far shorter. */
    static final int MAX_QUERY = 253;

    @Inject
    InventoryQueries queries;
    @Inject
    TargetFinder targets;
    @Inject
    Frames frames;

    @CheckedTemplate(basePath = "console")
    static class Templates {
        static native TemplateInstance vms(Frame frame, String query, String problem);

        static native TemplateInstance vm(Frame frame, WhereCan.Content page);
    }

    /** The search: a VM found goes to its page; otherwise the page says why. */
    @GET
    @RolesAllowed(Roles.VIEWER)
    public Response search(@QueryParam("q") String q) {
        String query = q == null ? "" : q.strip();
        if (query.isEmpty()) {
            return page(Templates.vms(frames.of("Where can a VM move?", "vms"), "", null));
        }
        if (query.length() > MAX_QUERY) {
            return page(Templates.vms(frames.of("Where can a VM move?", "vms"), "",
                    "a VM name or UUID is at most " + MAX_QUERY + " characters"));
        }
        try {
            var vm = queries.findVm(query);
            return Response.status(Response.Status.SEE_OTHER).header("Location", WhereCanPage.href(vm.uuid)).build();
        } catch (RefusalException e) {
            return Response.status(e.kind().httpStatus()).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                    .entity(Templates.vms(frames.of("Where can a VM move?", "vms"), query, e.getMessage()).render())
                    .build();
        }
    }

    private static Response page(TemplateInstance page) {
        return Response.ok(page.render(), MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).build();
    }

    @GET
    @Path("{id}")
    @RolesAllowed(Roles.VIEWER)
    public TemplateInstance vm(@PathParam("id") String id) {
        var vm = queries.vm(id);
        var content = WhereCan.of(vm, targets.find(vm.uuid()));
        return Templates.vm(frames.of("Where can " + vm.name() + " move?", "vms"), content);
    }

    @ServerExceptionMapper
    Response unauthenticated(UnauthorizedException e, HttpHeaders headers, UriInfo uri, ContainerRequestContext request) {
        return ConsoleRefusals.unauthenticated(headers, uri, request.getMethod());
    }

    @ServerExceptionMapper
    Response forbidden(ForbiddenException e, HttpHeaders headers) {
        return ConsoleRefusals.forbidden(frames.of("Not allowed", "vms"), headers, "see VMs");
    }

    @ServerExceptionMapper
    Response refused(RefusalException e, HttpHeaders headers) {
        return ConsoleRefusals.refused(frames.of("Refused", "vms"), headers, e);
    }
}
