package io.migplan.scheduler.api.rest;

import jakarta.annotation.security.RolesAllowed;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.audit.Audited;
import io.migplan.scheduler.error.Texts;
import io.migplan.scheduler.error.PlainText;
import io.migplan.scheduler.inventory.InventoryQueries;
import io.migplan.scheduler.inventory.InventoryQueries.HostDetail;
import io.migplan.scheduler.inventory.InventoryQueries.HostSummary;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.InventoryStore;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

@Path("/api/v1/hosts")
@Produces(MediaType.APPLICATION_JSON)
@Audited
public class HostResource {

    @Inject
    InventoryQueries queries;
    @Inject
    InventoryStore store;

    @GET
    @Operation(summary = "Every host with release, state, capacity, generation and counts of VMs and devices")
    @RolesAllowed(Roles.VIEWER)
    public List<HostSummary> list() {
        return queries.hosts();
    }

    /**
     * Body of {@code PUT /hosts/{id}/admin-state}.
     *
     * @param state  one of {@link AdminState}, in any case
     * @param reason why, shown with the host; empty when absent
     */
    public record AdminStateChange(
            @NotNull(message = "is required: one of " + STATES)
            @Pattern(regexp = "(?i)\\s*(ACTIVE|DRAINING|MAINTENANCE)\\s*", message = "is not one of " + STATES)
            String state,
            @PlainText(max = Texts.MAX_TEXT) String reason) {

        /** {@link AdminState}'s values, as an annotation needs them: a constant. */
        static final String STATES = "[ACTIVE, DRAINING, MAINTENANCE]";
    }

    @PUT
    @Path("{id}/admin-state")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Take a host out of placement (DRAINING, MAINTENANCE) or back in (ACTIVE)")
    @APIResponse(responseCode = "400", description = "Missing or unknown state")
    @APIResponse(responseCode = "404", description = "No host with this id")
    @RolesAllowed(Roles.OPERATOR)
    public HostDetail setAdminState(@PathParam("id") @PlainText String id,
            @Valid @NotNull(message = "is required: \\{state, reason\\}") AdminStateChange body) {
        AdminState state = AdminState.valueOf(body.state().strip().toUpperCase(Locale.ROOT));
        store.setAdminState(id, state, body.reason());
        return queries.host(id);
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One host: parents with their device types, active devices, VMs and read problems")
    @APIResponse(responseCode = "404", description = "No host with this id")
    @RolesAllowed(Roles.VIEWER)
    public HostDetail get(@PathParam("id") @PlainText String id) {
        return queries.host(id);
    }
}
