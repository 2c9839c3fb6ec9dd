package io.migplan.scheduler.console;

import io.migplan.scheduler.audit.Audited;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.error.InvalidRequestException;
import io.migplan.scheduler.error.RefusalException;
import io.migplan.scheduler.error.Texts;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.InventoryQueries;
import io.migplan.scheduler.inventory.InventoryStore;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshotHolder;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The host page (its parents and their capacity models, device types with the instances free, active
 * devices, VMs, read problems and admin state) and its one action: changing the admin state, as an
 * operator, through the service the API's {@code PUT /api/v1/hosts/{id}/admin-state} uses
 * ({@link InventoryStore#setAdminState}), audited as every state-changing call is.
 */
@Path(ConsolePaths.ROOT + "/hosts")
@Produces(MediaType.TEXT_HTML)
@Audited
public class ConsoleHosts {

    @Inject
    InventoryQueries queries;
    @Inject
    InventoryStore store;
    @Inject
    ClusterSnapshotHolder snapshot;
    @Inject
    Frames frames;

    @CheckedTemplate(basePath = "console")
    static class Templates {
        static native TemplateInstance host(Frame frame, HostPage.Content page, List<String> adminStates);
    }

    @GET
    @Path("{id}")
    @RolesAllowed(Roles.VIEWER)
    public TemplateInstance host(@PathParam("id") String id) {
        var detail = queries.host(id);
        var view = snapshot.current().host(id).map(ClusterSnapshot.HostEntry::view).orElse(null);
        return Templates.host(frames.of("Host " + id, "fleet"), HostPage.of(detail, view),
                Arrays.stream(AdminState.values()).map(Enum::name).toList());
    }

    /** The admin state form's fields. */
    public record AdminStateForm(String state, String reason) {
    }

    /** Sets the host's admin state and reloads the page; a wrong field is refused naming it, changing nothing. */
    @POST
    @Path("{id}/admin-state")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATOR)
    public Response setAdminState(@PathParam("id") String id, AdminStateForm form) {
        AdminState state = state(form == null ? null : form.state());
        String reason = form == null || form.reason() == null ? "" : form.reason().strip();
        String why = Texts.problem("reason", reason, Texts.MAX_TEXT);
        if (why != null) {
            throw new InvalidRequestException(why);
        }
        store.setAdminState(id, state, reason);
        return Response.ok("<p class=\"ok\" id=\"admin-done\">" + ConsoleRefusals.escape(id) + " is now " + state
                + "</p>", MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).header("HX-Refresh", "true").build();
    }

    /** The admin state a form names, in any case; refused naming the states otherwise. */
    static AdminState state(String name) {
        String s = name == null ? "" : name.strip().toUpperCase(Locale.ROOT);
        for (AdminState a : AdminState.values()) {
            if (a.name().equals(s)) {
                return a;
            }
        }
        throw new InvalidRequestException("state must be one of " + Arrays.toString(AdminState.values()) + ", got '"
                + Texts.escaped(String.valueOf(name)) + "'");
    }

    @ServerExceptionMapper
    Response unauthenticated(UnauthorizedException e, HttpHeaders headers, UriInfo uri, ContainerRequestContext request) {
        return ConsoleRefusals.unauthenticated(headers, uri, request.getMethod());
    }

    @ServerExceptionMapper
    Response forbidden(ForbiddenException e, HttpHeaders headers) {
        return ConsoleRefusals.forbidden(frames.of("Not allowed", "fleet"), headers, "change a host's admin state:"
                + " it needs the role operator or admin");
    }

    @ServerExceptionMapper
    Response refused(RefusalException e, HttpHeaders headers) {
        return ConsoleRefusals.refused(frames.of("Refused", "fleet"), headers, e);
    }
}
