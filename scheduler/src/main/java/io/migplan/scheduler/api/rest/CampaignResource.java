package io.migplan.scheduler.api.rest;

import jakarta.annotation.security.RolesAllowed;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.audit.Audited;
import io.migplan.scheduler.error.Texts;
import io.migplan.scheduler.error.PlainText;
import io.migplan.scheduler.campaign.CampaignRequest;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import io.migplan.scheduler.campaign.CampaignService;
import io.migplan.scheduler.campaign.CampaignKind;
import io.migplan.scheduler.campaign.CampaignEventStream;
import io.migplan.scheduler.campaign.CampaignOverview;
import io.migplan.scheduler.campaign.CampaignPages;
import io.migplan.scheduler.campaign.CampaignSummary;
import io.migplan.scheduler.campaign.Transitions.CampaignState;
import io.migplan.scheduler.campaign.Transitions.MigrationState;
import io.migplan.scheduler.paging.Filters;
import io.migplan.scheduler.paging.Page;
import io.migplan.scheduler.paging.PageRequest;
import jakarta.validation.constraints.Pattern;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import io.migplan.scheduler.campaign.CampaignView;
import io.migplan.scheduler.campaign.NextStep;
import io.migplan.scheduler.campaign.RollbackService;
import io.migplan.scheduler.campaign.RollbackView;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * Rolling-upgrade campaigns and the loop an orchestrator drives: ask {@code next}, start the
 * migrations it issues and report each done or failed, upgrade the hosts it hands out and report
 * each started; the agent's report of the new release completes a host.
 */
@Path("/api/v1/campaigns")
@Produces(MediaType.APPLICATION_JSON)
@Audited
public class CampaignResource {

    /**
     * The body of {@code POST …/next}: who asks, and for how long its lease lasts without another
     * call ({@link Lease#length} holds the bounds, for both APIs).
     */
    public record NextRequest(
            @NotBlank(message = "is required: who drives the campaign") @PlainText(max = Texts.MAX_ID) String orchestrator,
            Integer leaseSeconds) {
    }

    /** The body of a done or upgrade-started report: the lease holder reporting. */
    public record Report(
            @NotBlank(message = "is required: the lease holder reporting") @PlainText(max = Texts.MAX_ID)
            String orchestrator) {
    }

    /** The body of a failure report: the lease holder reporting, and why it failed. */
    public record Failure(
            @NotBlank(message = "is required: the lease holder reporting") @PlainText(max = Texts.MAX_ID)
            String orchestrator,
            @PlainText(max = Texts.MAX_TEXT) String reason) {
    }

    static final String REPORT_BODY = "is required: \\{orchestrator\\}";

    @Inject
    CampaignService campaigns;
    @Inject
    CampaignPages pages;
    @Inject
    CampaignOverview overview;
    @Inject
    RollbackService rollback;
    @Inject
    CampaignEventStream stream;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Plan a campaign from fromRelease to toRelease over hosts (names, a label selector, or every"
            + " host at fromRelease) in the background; GET its Location until it is DRY_RUN (with dryRun: the plan"
            + " only), RUNNING, or FAILED (no plan could be made, with the reason)")
    @APIResponse(responseCode = "202", description = "Accepted: the campaign's id and state PLANNING; the plan is"
            + " being solved")
    @APIResponse(responseCode = "400", description = "A field is missing or wrong; nothing was stored")
    @APIResponse(responseCode = "409", description = "Another campaign is being planned to run, running or paused"
            + " (CAMPAIGN_ACTIVE); nothing was stored")
    @APIResponse(responseCode = "429", description = "As many plans are solving and waiting as allowed (PLANNING_BUSY);"
            + " nothing was stored, try again after Retry-After")
    @RolesAllowed(Roles.OPERATOR)
    public Response create(@Valid @NotNull(message = "is required: \\{fromRelease, toRelease, hosts | selector, policy,"
            + " dryRun\\}") CampaignRequest body) {
        CampaignView view = campaigns.create(body);
        return Accepted.of(view, "/api/v1/campaigns/" + view.id());
    }

    @GET
    @Operation(summary = "Every campaign, newest first; the filters narrow the list. Without limit or cursor: the"
            + " whole list as an array. With either: one page, {items, next}; pass next as cursor, with the same"
            + " filters, for the page after (null on the last)")
    @APIResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(oneOf = {CampaignService.Listed[].class, CampaignPage.class})))
    @APIResponse(responseCode = "400", description = "A limit outside 1.." + PageRequest.MAX_LIMIT + ", a cursor not"
            + " given for this list and these filters, or a filter value that is not one the filter takes")
    @RolesAllowed(Roles.VIEWER)
    public Object list(
            @Parameter(description = Listing.LIMIT) @QueryParam("limit") @PlainText String limit,
            @Parameter(description = Listing.CURSOR) @QueryParam("cursor") @PlainText(max = 8192) String cursor,
            @Parameter(description = "only campaigns in this state: PLANNING, DRY_RUN, RUNNING, PAUSED, COMPLETED,"
                    + " ABORTED or FAILED") @QueryParam("state") @PlainText String state,
            @Parameter(description = "only campaigns of this kind: UPGRADE or EVACUATION") @QueryParam("kind")
            @PlainText String kind) {
        CampaignPages.CampaignFilter filter = new CampaignPages.CampaignFilter(
                Filters.oneOf("state", state, CampaignState.class), Filters.oneOf("kind", kind, CampaignKind.class));
        if (!PageRequest.asked(limit, cursor)) {
            return pages.campaigns(filter, null, 0);
        }
        Map<String, String> given = new LinkedHashMap<>();
        given.put("state", state == null ? null : filter.state().name());
        given.put("kind", kind == null ? null : filter.kind().name());
        return pages.campaigns(filter, PageRequest.of(CampaignPages.CAMPAIGNS, CampaignPages.CAMPAIGN_KEY, given, limit,
                cursor));
    }

    /** The paged answer's shape, for the OpenAPI document. */
    @Schema(name = "CampaignPage")
    public record CampaignPage(List<CampaignService.Listed> items, String next) {
    }

    @GET
    @Path("{id}")
    @Operation(summary = "The campaign: state, batches with their migrations, unmovable VMs, metrics against the naive"
            + " order, progress and history; with view=summary the same without the migrations, counted per state"
            + " over the campaign and per batch (GET …/migrations lists them a page at a time)")
    @APIResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(oneOf = {CampaignView.class, CampaignSummary.class})))
    @APIResponse(responseCode = "400", description = "A view that is not full or summary")
    @APIResponse(responseCode = "404", description = "No campaign with this id")
    @RolesAllowed(Roles.VIEWER)
    public Object get(@PathParam("id") @PlainText String id,
            @Parameter(description = "full (default): every batch with its migrations; summary: counts instead")
            @QueryParam("view") @Pattern(regexp = "full|summary", message = "is not one of [full, summary]")
            String view) {
        return "summary".equals(view) ? overview.summary(id) : campaigns.get(id);
    }

    @GET
    @Path("{id}/migrations")
    @Operation(summary = "The campaign's migrations a page at a time, in the full view's order (batch, wave, VM),"
            + " each with its batch: {items, next}; pass next as cursor, with the same filters, for the page after"
            + " (null on the last). CANCELLED ones only when state=CANCELLED asks for them")
    @APIResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = MigrationPage.class)))
    @APIResponse(responseCode = "400", description = "A limit outside 1.." + PageRequest.MAX_LIMIT + ", a cursor not"
            + " given for this list and these filters, or a filter value that is not one the filter takes")
    @APIResponse(responseCode = "404", description = "No campaign with this id")
    @RolesAllowed(Roles.VIEWER)
    public Page<CampaignPages.Migration> migrations(@PathParam("id") @PlainText String id,
            @Parameter(description = Listing.LIMIT) @QueryParam("limit") @PlainText String limit,
            @Parameter(description = Listing.CURSOR) @QueryParam("cursor") @PlainText(max = 8192) String cursor,
            @Parameter(description = "only migrations of this batch") @QueryParam("batch") @PlainText String batch,
            @Parameter(description = "only migrations from or to this host") @QueryParam("host") @PlainText String host,
            @Parameter(description = "only migrations in this state: PLANNED, ISSUED, DONE, FAILED or CANCELLED")
            @QueryParam("state") @PlainText String state) {
        CampaignPages.MigrationFilter filter = new CampaignPages.MigrationFilter(Filters.count("batch", batch),
                Filters.text("host", host), Filters.oneOf("state", state, MigrationState.class));
        Map<String, String> given = new LinkedHashMap<>();
        given.put("batch", filter.batch() == null ? null : filter.batch().toString());
        given.put("host", filter.host());
        given.put("state", state == null ? null : filter.state().name());
        PageRequest page = PageRequest.of("migrations of " + id, 6, given, limit, cursor);
        CampaignPages.MigrationKey after = page.first() ? null : new CampaignPages.MigrationKey(
                (int) page.afterLong(0), (int) page.afterLong(1), page.after(2), page.after(3),
                (int) page.afterLong(4), page.after(5));
        return page.page(pages.migrations(id, filter, after, page.limit() + 1), m -> List.of(
                Integer.toString(m.batch()), Integer.toString(m.wave()), m.vm(), m.vmUuid(),
                Integer.toString(m.planVersion()), m.id()));
    }

    /** The page's shape, for the OpenAPI document. */
    @Schema(name = "MigrationPage")
    public record MigrationPage(List<CampaignPages.Migration> items, String next) {
    }

    @GET
    @Path("{id}/rollback")
    @Operation(summary = "The campaign's way back, changing nothing and asking no agent: per batch and in total, how"
            + " many VMs on the new release could go back to a host at the old release (an agent answered COMPATIBLE"
            + " and there is room), how many cannot (refused, with the agent's reason, or no room) and how many are"
            + " unknown (no answer yet: never counted as possible); the batch after which a rollback would strand VMs")
    @APIResponse(responseCode = "404", description = "No campaign with this id")
    @RolesAllowed(Roles.VIEWER)
    public RollbackView rollback(@PathParam("id") @PlainText String id) {
        return rollback.view(id);
    }

    @POST
    @Path("{id}/rollback/probe")
    @Operation(summary = "Asks the agents of hosts at the old release the campaign's backward questions nobody has"
            + " answered yet (16 hosts and one batch each per call at most) and stores their verdicts; GET rollback"
            + " then counts them. stillUnasked says whether to call again")
    @APIResponse(responseCode = "404", description = "No campaign with this id")
    @RolesAllowed(Roles.OPERATOR)
    public RollbackService.Probed probeRollback(@PathParam("id") @PlainText String id) {
        return rollback.probe(id);
    }

    @GET
    @Path("{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    @Operation(summary = "The campaign's history as server-sent events: every event after Last-Event-ID (or ?after,"
            + " or from the first), then each as it is committed, until the campaign has ended and its last event was"
            + " sent. Each event: id (its position, to resume after), event (its kind), data (JSON: campaign, position,"
            + " at, kind, state, host, vm, vmUuid, migration, from, to, batch, message); a ':keep-alive' comment"
            + " after 15 s of silence")
    @APIResponse(responseCode = "400", description = "Last-Event-ID or after is not a position (a whole number, 0 or"
            + " more)")
    @APIResponse(responseCode = "404", description = "No campaign with this id")
    @APIResponse(responseCode = "429", description = "As many followers as allowed are open (EVENTS_BUSY); try again"
            + " after Retry-After")
    @RolesAllowed(Roles.VIEWER)
    public Multi<OutboundSseEvent> events(@PathParam("id") @PlainText String id,
            @QueryParam("after") @PlainText String after, @HeaderParam("Last-Event-ID") @PlainText String lastEventId,
            @Context Sse sse) {
        return stream.follow(id, lastEventId, after, true, sse);
    }

    @POST
    @Path("{id}/next")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "What to do now, under the campaign's lease (taken, renewed, or taken over once expired):"
            + " migrations to start (slots already claimed, each with its deadline), migrations in flight, hosts to"
            + " upgrade, and why nothing more can start yet")
    @APIResponse(responseCode = "404", description = "No campaign with this id")
    @APIResponse(responseCode = "409", description = "Another orchestrator holds an unexpired lease (LEASE_HELD)")
    @RolesAllowed(Roles.ORCHESTRATOR)
    public NextStep next(@PathParam("id") @PlainText String id,
            @Valid @NotNull(message = "is required: \\{orchestrator, leaseSeconds\\}") NextRequest body) {
        return campaigns.next(id, body.orchestrator().strip(), body.leaseSeconds());
    }

    @GET
    @Path("{id}/next")
    @Operation(summary = "What POST next would answer now, changing nothing: no lease taken, nothing issued, claimed,"
            + " asked or stored (preview: true)")
    @APIResponse(responseCode = "404", description = "No campaign with this id")
    @RolesAllowed(Roles.VIEWER)
    public NextStep preview(@PathParam("id") @PlainText String id) {
        return campaigns.preview(id);
    }

    @POST
    @Path("{id}/migrations/{migration}/done")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "A migration issued by next finished: the VM runs on its target. The same report twice gets"
            + " the same answer")
    @APIResponse(responseCode = "409", description = "The migration is not in flight (MIGRATION_NOT_IN_FLIGHT), or the"
            + " caller does not hold the lease (NOT_LEASE_HOLDER)")
    @RolesAllowed(Roles.ORCHESTRATOR)
    public CampaignService.Reported migrationDone(@PathParam("id") @PlainText String id,
            @PathParam("migration") @PlainText String migration,
            @Valid @NotNull(message = REPORT_BODY) Report body) {
        return campaigns.migrationDone(id, migration, body.orchestrator().strip());
    }

    @POST
    @Path("{id}/migrations/{migration}/failed")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "A migration issued by next failed: the VM still runs on its source; the rest is re-planned."
            + " After a done report it is taken when fresh scans show the VM on its source and not on its target")
    @APIResponse(responseCode = "409", description = "The migration is not in flight (MIGRATION_NOT_IN_FLIGHT), or the"
            + " caller does not hold the lease (NOT_LEASE_HOLDER)")
    @RolesAllowed(Roles.ORCHESTRATOR)
    public CampaignService.Reported migrationFailed(@PathParam("id") @PlainText String id,
            @PathParam("migration") @PlainText String migration,
            @Valid @NotNull(message = "is required: \\{orchestrator, reason\\}") Failure failure) {
        return campaigns.migrationFailed(id, migration, failure.reason(), failure.orchestrator().strip());
    }

    @POST
    @Path("{id}/hosts/{host}/upgrade-started")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "The orchestrator started upgrading a host next handed out")
    @APIResponse(responseCode = "409", description = "The host is not empty and ready (HOST_NOT_READY), or the caller"
            + " does not hold the lease (NOT_LEASE_HOLDER)")
    @RolesAllowed(Roles.ORCHESTRATOR)
    public CampaignService.Reported upgradeStarted(@PathParam("id") @PlainText String id,
            @PathParam("host") @PlainText String host,
            @Valid @NotNull(message = REPORT_BODY) Report body) {
        return campaigns.upgradeStarted(id, host, body.orchestrator().strip());
    }

    @POST
    @Path("{id}/pause")
    @Operation(summary = "Hand out nothing new until resumed; reports are still taken")
    @RolesAllowed(Roles.OPERATOR)
    public CampaignView pause(@PathParam("id") @PlainText String id) {
        return campaigns.pause(id);
    }

    @POST
    @Path("{id}/resume")
    @Operation(summary = "Go on with a paused campaign")
    @RolesAllowed(Roles.OPERATOR)
    public CampaignView resume(@PathParam("id") @PlainText String id) {
        return campaigns.resume(id);
    }

    @POST
    @Path("{id}/abort")
    @Operation(summary = "Stop for good: planned migrations cancelled, every reservation released, VMs stay where"
            + " they run")
    @RolesAllowed(Roles.OPERATOR)
    public CampaignView abort(@PathParam("id") @PlainText String id) {
        return campaigns.abort(id);
    }
}
