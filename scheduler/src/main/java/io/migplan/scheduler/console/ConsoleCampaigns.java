package io.migplan.scheduler.console;

import io.migplan.scheduler.audit.Audited;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.campaign.CampaignEventFeed;
import io.migplan.scheduler.campaign.CampaignEventStream;
import io.migplan.scheduler.campaign.CampaignOverview;
import io.migplan.scheduler.campaign.CampaignPages;
import io.migplan.scheduler.campaign.CampaignRequest;
import io.migplan.scheduler.campaign.CampaignService;
import io.migplan.scheduler.campaign.CampaignView;
import io.migplan.scheduler.campaign.RollbackService;
import io.migplan.scheduler.campaign.RollbackView;
import io.migplan.scheduler.error.InvalidRequestException;
import io.migplan.scheduler.error.PlainText;
import io.migplan.scheduler.error.RefusalException;
import io.migplan.scheduler.error.Violations;
import io.migplan.scheduler.paging.Page;
import io.migplan.scheduler.paging.PageRequest;
import io.migplan.scheduler.snapshot.ClusterSnapshotHolder;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The campaigns pages: the list, a campaign's page (its batches as a timeline followed live, its
 * figures against the lower bound and the naive order, what cannot move, its recent history, the
 * way back), and the actions an operator takes on campaigns (a new one, start a dry run for real,
 * pause, resume, abort), all through the {@link CampaignService} the API uses. A campaign's page
 * is drawn from {@link CampaignOverview}, which counts migrations instead of reading them, so it
 * costs the same for a 1,000-host campaign as for a small one.
 *
 * <p>Live updates: the page follows {@code /console/campaigns/{id}/events}, the campaign's history
 * as server-sent events from the same {@link CampaignEventFeed} (and bounds) as the API's stream,
 * reached with the console's session cookie (the API's stream takes bearer tokens only); each
 * event makes the page fetch its live part again.
 */
@Path(ConsolePaths.ROOT)
@Produces(MediaType.TEXT_HTML)
@Audited
public class ConsoleCampaigns {

    /** The most campaigns a page of the list shows, newest first; the page links to the older ones. */
    static final int LISTED = 200;

    @Inject
    CampaignService campaigns;
    @Inject
    CampaignPages pages;
    @Inject
    CampaignOverview overview;
    @Inject
    RollbackService rollback;
    @Inject
    ClusterSnapshotHolder snapshot;
    @Inject
    Validator validator;
    @Inject
    CampaignEventStream stream;
    @Inject
    Frames frames;

    @CheckedTemplate(basePath = "console")
    static class Templates {
        static native TemplateInstance campaigns(Frame frame, List<Row> rows, Listed listed, List<String> releases);

        static native TemplateInstance campaign(Frame frame, CampaignOverview.Overview c, CampaignTimeline.View t);

        static native TemplateInstance campaignLive(Frame frame, CampaignOverview.Overview c, CampaignTimeline.View t);

        static native TemplateInstance campaignRollback(RollbackView r);
    }

    /**
     * Which page of the list is shown.
     *
     * @param first whether it starts with the newest campaign
     * @param older the page of the campaigns older than its last; null when there are none
     */
    public record Listed(boolean first, String older) {
    }

    /** A campaign in the list, with its hosts done of hosts in it. */
    public record Row(CampaignService.Listed campaign, int hosts, int hostsDone) {

        public String href() {
            return ConsolePaths.ROOT + "/campaigns/" + campaign.id();
        }

        public String releases() {
            return campaign.fromRelease() == null ? "" : campaign.fromRelease() + " → " + campaign.toRelease();
        }
    }

    /**
     * The newest {@link #LISTED} campaigns, or with {@code cursor} (the {@code next} of a page of
     * {@code GET /api/v1/campaigns} or the link of this page) those after it: read a page at a
     * time as the API reads them, with the hosts of those shown counted.
     */
    @GET
    @Path("campaigns")
    @RolesAllowed(Roles.VIEWER)
    public TemplateInstance list(@QueryParam("cursor") @PlainText(max = 8192) String cursor) {
        PageRequest request = PageRequest.of(CampaignPages.CAMPAIGNS, CampaignPages.CAMPAIGN_KEY, Map.of(), LISTED,
                cursor);
        Page<CampaignService.Listed> page = pages.campaigns(new CampaignPages.CampaignFilter(null, null), request);
        Map<String, CampaignOverview.HostCount> counts = overview.hostCounts(
                page.items().stream().map(CampaignService.Listed::id).toList());
        List<Row> rows = page.items().stream().map(l -> {
            CampaignOverview.HostCount n = counts.getOrDefault(l.id(), new CampaignOverview.HostCount(0, 0));
            return new Row(l, n.hosts(), n.done());
        }).toList();
        String older = page.next() == null ? null
                : ConsolePaths.ROOT + "/campaigns?cursor=" + URLEncoder.encode(page.next(), StandardCharsets.UTF_8);
        return Templates.campaigns(frames.of("Campaigns", "campaigns"), rows, new Listed(request.first(), older),
                snapshot.current().releases().named());
    }

    @GET
    @Path("campaigns/{id}")
    @RolesAllowed(Roles.VIEWER)
    public TemplateInstance campaign(@PathParam("id") @PlainText String id) {
        return campaignPage(id, Templates::campaign);
    }

    /** The part of a campaign's page that changes: state, actions, progress, timeline, recent history. */
    @GET
    @Path("campaigns/{id}/live")
    @RolesAllowed(Roles.VIEWER)
    public TemplateInstance live(@PathParam("id") @PlainText String id) {
        return campaignPage(id, Templates::campaignLive);
    }

    /** A template of a campaign's page, whole or its live part. */
    private interface CampaignTemplate {
        TemplateInstance of(Frame frame, CampaignOverview.Overview c, CampaignTimeline.View t);
    }

    /** Campaign {@code id}'s overview and timeline, read once, in {@code template}. */
    private TemplateInstance campaignPage(String id, CampaignTemplate template) {
        CampaignOverview.Overview c = overview.of(id);
        return template.of(frames.of("Campaign " + id, "campaigns"), c, CampaignTimeline.of(c));
    }

    /** The way back, counted on demand (the page asks when it is opened): see {@link RollbackService#view}. */
    @GET
    @Path("campaigns/{id}/rollback")
    @RolesAllowed(Roles.VIEWER)
    public TemplateInstance rollback(@PathParam("id") @PlainText String id) {
        return Templates.campaignRollback(rollback.view(id));
    }

    /**
     * The campaign's history as server-sent events for the page, as {@code GET
     * /api/v1/campaigns/{id}/events} sends it (after {@code Last-Event-ID}, else {@code ?after}), each
     * event unnamed (its kind is in its data), so the page's one {@code onmessage} hears them all.
     */
    @GET
    @Path("campaigns/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    @RolesAllowed(Roles.VIEWER)
    public Multi<OutboundSseEvent> events(@PathParam("id") @PlainText String id,
            @QueryParam("after") @PlainText String after, @HeaderParam("Last-Event-ID") @PlainText String lastEventId,
            @Context Sse sse) {
        return stream.follow(id, lastEventId, after, false, sse);
    }

    /** Creates a campaign (a dry run, or one that runs) from the form, as {@code POST /api/v1/campaigns} does. */
    @POST
    @Path("campaigns")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATOR)
    public Response create(CampaignForm form) {
        if (form == null) {
            throw new InvalidRequestException("the form is empty: fromRelease and toRelease are required");
        }
        return created(form.request());
    }

    /** Runs a dry run's plan for real: a new campaign with its releases, hosts and policy. */
    @POST
    @Path("campaigns/{id}/start")
    @RolesAllowed(Roles.OPERATOR)
    public Response start(@PathParam("id") @PlainText String id) {
        return created(overview.runFor(id));
    }

    @POST
    @Path("campaigns/{id}/pause")
    @RolesAllowed(Roles.OPERATOR)
    public Response pause(@PathParam("id") @PlainText String id) {
        return changed(campaigns.pause(id));
    }

    @POST
    @Path("campaigns/{id}/resume")
    @RolesAllowed(Roles.OPERATOR)
    public Response resume(@PathParam("id") @PlainText String id) {
        return changed(campaigns.resume(id));
    }

    @POST
    @Path("campaigns/{id}/abort")
    @RolesAllowed(Roles.OPERATOR)
    public Response abort(@PathParam("id") @PlainText String id) {
        return changed(campaigns.abort(id));
    }

    /** Validates {@code request} as the API does (its field rules), creates it, and sends the browser to it. */
    private Response created(CampaignRequest request) {
        Set<ConstraintViolation<CampaignRequest>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(Violations.describe(violations));
        }
        CampaignView view = campaigns.create(request);
        String href = ConsolePaths.ROOT + "/campaigns/" + view.id();
        return Response.ok("<p class=\"ok\" id=\"action-done\">Campaign " + ConsoleRefusals.escape(view.id())
                + " accepted: planning</p>", MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .header("HX-Redirect", href).build();
    }

    /** The answer to an action: a line saying what the campaign is now, and a sign for the page to redraw it. */
    private static Response changed(CampaignView view) {
        return Response.ok("<p class=\"ok\" id=\"action-done\">Campaign " + ConsoleRefusals.escape(view.id()) + " is "
                + view.state() + "</p>", MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .header("HX-Trigger", "campaign-changed").build();
    }

    @ServerExceptionMapper
    Response unauthenticated(UnauthorizedException e, HttpHeaders headers, UriInfo uri, ContainerRequestContext request) {
        return ConsoleRefusals.unauthenticated(headers, uri, request.getMethod());
    }

    @ServerExceptionMapper
    Response forbidden(ForbiddenException e, HttpHeaders headers) {
        return ConsoleRefusals.forbidden(frames.of("Not allowed", "campaigns"), headers, "do this to campaigns");
    }

    @ServerExceptionMapper
    Response refused(RefusalException e, HttpHeaders headers) {
        return ConsoleRefusals.refused(frames.of("Refused", "campaigns"), headers, e);
    }
}
