package io.migplan.scheduler.api.rest;

import io.migplan.scheduler.audit.Audited;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.campaign.CampaignKind;
import io.migplan.scheduler.campaign.CampaignService;
import io.migplan.scheduler.campaign.CampaignView;
import io.migplan.scheduler.campaign.EvacuationCampaignRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * Evacuations: hosts taken out of placement for maintenance, emptied and left in MAINTENANCE. An
 * evacuation is a campaign of kind EVACUATION: it is created and listed here, and read, driven,
 * paused, resumed and aborted at its campaign paths ({@code /api/v1/campaigns/{id}/…}), by the
 * same code and the same orchestrator loop as a rolling upgrade.
 */
@Path("/api/v1/evacuations")
@Produces(MediaType.APPLICATION_JSON)
@Audited
public class EvacuationResource {

    @Inject
    CampaignService campaigns;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Plan an evacuation of hosts in the background: their VMs go to hosts outside them, as the"
            + " placement rules allow; each host proven empty is left in MAINTENANCE. GET its Location until it is"
            + " RUNNING (or FAILED), then drive it as a campaign")
    @APIResponse(responseCode = "202", description = "Accepted: the evacuation's id and state PLANNING")
    @APIResponse(responseCode = "400", description = "A field is missing or wrong, or a host is unknown or named"
            + " twice; nothing was stored")
    @APIResponse(responseCode = "409", description = "A host named is held by a campaign or evacuation being planned"
            + " to run, running or paused (CAMPAIGN_ACTIVE); nothing was stored")
    @APIResponse(responseCode = "429", description = "As many plans are solving and waiting as allowed (PLANNING_BUSY);"
            + " nothing was stored, try again after Retry-After")
    @RolesAllowed(Roles.OPERATOR)
    public Response create(@Valid @NotNull(message = "is required: \\{hosts, reason, policy\\}")
            EvacuationCampaignRequest body) {
        CampaignView view = campaigns.createEvacuation(body);
        return Accepted.of(view, "/api/v1/campaigns/" + view.id());
    }

    @GET
    @Operation(summary = "Every evacuation, newest first")
    @RolesAllowed(Roles.VIEWER)
    public List<CampaignService.Listed> list() {
        return campaigns.list(CampaignKind.EVACUATION);
    }
}
