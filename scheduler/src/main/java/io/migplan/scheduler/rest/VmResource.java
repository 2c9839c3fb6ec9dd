package io.migplan.scheduler.rest;

import io.migplan.scheduler.inventory.InventoryQueries;
import io.migplan.scheduler.inventory.InventoryQueries.VmInfo;
import io.migplan.scheduler.placement.TargetFinder;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

@Path("/api/v1/vms")
@Produces(MediaType.APPLICATION_JSON)
public class VmResource {

    @Inject
    InventoryQueries queries;
    @Inject
    TargetFinder targets;

    @GET
    @Operation(summary = "Every VM with its host, vCPUs, memory and mediated devices")
    public List<VmInfo> list() {
        return queries.vms();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One VM, by name or UUID")
    @APIResponse(responseCode = "404", description = "No VM with this name or UUID")
    public VmInfo get(@PathParam("id") String id) {
        return queries.vm(id);
    }

    @GET
    @Path("{id}/targets")
    @Operation(summary = "Where the VM can move: candidates with score and landing device, every other host"
            + " rejected with reason codes and sentences, and a one-line summary")
    @APIResponse(responseCode = "404", description = "No VM with this name or UUID")
    @APIResponse(responseCode = "409", description = "The VM's devices are not fully reported by its host")
    public TargetsResponse targets(@PathParam("id") String id) {
        return TargetsResponse.of(targets.find(id));
    }
}
