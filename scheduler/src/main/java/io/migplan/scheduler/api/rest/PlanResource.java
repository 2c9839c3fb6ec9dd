package io.migplan.scheduler.api.rest;

import jakarta.annotation.security.RolesAllowed;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.audit.Audited;
import io.migplan.scheduler.error.PlainText;
import io.migplan.scheduler.evacuation.EvacuationRequest;
import io.migplan.scheduler.evacuation.PlanService;
import io.migplan.scheduler.evacuation.PlanView;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

@Path("/api/v1/plans")
@Produces(MediaType.APPLICATION_JSON)
@Audited
public class PlanResource {

    @Inject
    PlanService plans;

    @POST
    @Path("evacuation")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Plan how to empty hosts; answers at once with the plan's id while it is solved")
    @APIResponse(responseCode = "202", description = "Accepted: {id}; poll GET /api/v1/plans/{id}")
    @APIResponse(responseCode = "400", description = "No hosts, an unknown host, or a limit out of range")
    @APIResponse(responseCode = "429", description = "As many plans are solving and waiting as allowed"
            + " (migplan.planning.max-concurrent, max-queued); nothing was stored; retry after Retry-After seconds")
    @RolesAllowed(Roles.OPERATOR)
    public Response evacuation(@Valid @NotNull(message = "is required: \\{hosts, maxOutboundPerHost,"
            + " maxInboundPerHost, maxParallel, timeLimitSeconds\\}") EvacuationRequest body) {
        String id = plans.create(body);
        return Accepted.of(Map.of("id", id), "/api/v1/plans/" + id);
    }

    @GET
    @Path("{id}")
    @Operation(summary = "A plan: status, progress, migrations in waves, unplaced VMs with reasons, metrics")
    @APIResponse(responseCode = "404", description = "No plan with this id")
    @RolesAllowed(Roles.VIEWER)
    public PlanView get(@PathParam("id") @PlainText String id) {
        return plans.get(id);
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Stop solving a plan; its best solution so far is kept as CANCELLED (a plan still waiting"
            + " for a solver is kept as CANCELLED with nothing planned)")
    @APIResponse(responseCode = "409", description = "The plan is no longer being solved")
    @RolesAllowed(Roles.OPERATOR)
    public PlanView cancel(@PathParam("id") @PlainText String id) {
        return plans.cancel(id);
    }
}
