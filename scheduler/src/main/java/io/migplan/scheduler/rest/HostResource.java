package io.migplan.scheduler.rest;

import io.migplan.scheduler.inventory.InventoryQueries;
import io.migplan.scheduler.inventory.InventoryQueries.HostDetail;
import io.migplan.scheduler.inventory.InventoryQueries.HostSummary;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

@Path("/api/v1/hosts")
@Produces(MediaType.APPLICATION_JSON)
public class HostResource {

    @Inject
    InventoryQueries queries;

    @GET
    @Operation(summary = "Every host with release, state, capacity, generation and counts of VMs and devices")
    public List<HostSummary> list() {
        return queries.hosts();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One host: parents with their device types, active devices, VMs and read problems")
    @APIResponse(responseCode = "404", description = "No host with this id")
    public HostDetail get(@PathParam("id") String id) {
        return queries.host(id);
    }
}
