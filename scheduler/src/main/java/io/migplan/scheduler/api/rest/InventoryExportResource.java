package io.migplan.scheduler.api.rest;

import io.migplan.scheduler.audit.Audited;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.inventory.export.FleetExport;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code GET /api/v1/inventory/export}: the whole fleet as one JSON document (docs/fleet-format.md),
 * streamed as it is read, for what-if planning on a copy of the fleet ({@code host-agent simulate
 * --fleet}). Open to viewers: it holds what {@code GET /hosts/{id}} and {@code GET /vms} already show
 * them, host by host (and no agent endpoints); what makes it heavier, a connection held while the
 * client reads, is bounded by {@link FleetExport}'s slots, not by role.
 */
@Path("/api/v1/inventory/export")
@Audited
public class InventoryExportResource {

    @Inject
    FleetExport export;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The fleet as one JSON document: per host its inventory, liveness, admin state and the"
            + " verdicts valid at its generation (docs/fleet-format.md)")
    @APIResponse(responseCode = "429", description = "As many exports are being written as run at once (EXPORT_BUSY)")
    @RolesAllowed(Roles.VIEWER)
    public Response export() {
        FleetExport.Slot slot = export.claim();
        try {
            StreamingOutput body = out -> export.write(slot, out);
            return Response.ok(body).header("Content-Disposition", "attachment; filename=\"fleet.json\"").build();
        } catch (RuntimeException e) {
            slot.close();
            throw e;
        }
    }
}
