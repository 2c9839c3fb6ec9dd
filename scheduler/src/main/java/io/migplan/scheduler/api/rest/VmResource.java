package io.migplan.scheduler.api.rest;

import jakarta.annotation.security.RolesAllowed;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.error.PlainText;
import io.migplan.scheduler.error.InvalidRequestException;
import io.migplan.scheduler.inventory.InventoryQueries;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.inventory.InventoryQueries.VmFilter;
import io.migplan.scheduler.inventory.InventoryQueries.VmInfo;
import io.migplan.scheduler.paging.Filters;
import io.migplan.scheduler.paging.PageRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import io.migplan.scheduler.placement.TargetFinder;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

@Path("/api/v1/vms")
@Produces(MediaType.APPLICATION_JSON)
public class VmResource {

    @Inject
    InventoryQueries queries;
    @Inject
    TargetFinder targets;

    @GET
    @Operation(summary = "Every VM with its host, vCPUs, memory and mediated devices, by name then host; the filters"
            + " narrow the list. Without limit or cursor: the whole list as an array. With either: one page, {items,"
            + " next}; pass next as cursor, with the same filters, for the page after (null on the last)")
    @APIResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(oneOf = {VmInfo[].class, VmPage.class})))
    @APIResponse(responseCode = "400", description = "A limit outside 1.." + PageRequest.MAX_LIMIT + ", a cursor not"
            + " given for this list and these filters, or a filter value that is not one the filter takes")
    @RolesAllowed(Roles.VIEWER)
    public Object list(
            @Parameter(description = Listing.LIMIT) @QueryParam("limit") @PlainText String limit,
            @Parameter(description = Listing.CURSOR) @QueryParam("cursor") @PlainText(max = 8192) String cursor,
            @Parameter(description = "only VMs on this host") @QueryParam("host") @PlainText String host,
            @Parameter(description = "only VMs whose host is in this liveness state: UP, STALE or DOWN")
            @QueryParam("state") @PlainText String state,
            @Parameter(description = "only VMs with a mediated device on a parent of this board (T4, A100, ...)")
            @QueryParam("board") @PlainText String board,
            @Parameter(description = "only VMs with a mediated device of this type (nvidia-231, ...)")
            @QueryParam("type") @PlainText String type) {
        VmFilter filter = new VmFilter(Filters.text("host", host), Filters.oneOf("state", state, HostState.class),
                Filters.text("board", board), Filters.text("type", type));
        if (!PageRequest.asked(limit, cursor)) {
            return queries.vms(filter, null, 0);
        }
        Map<String, String> given = new LinkedHashMap<>();
        given.put("host", filter.host());
        given.put("state", state == null ? null : filter.state().name());
        given.put("board", filter.board());
        given.put("type", filter.type());
        PageRequest page = PageRequest.of("vms", 2, given, limit, cursor);
        return page.page(queries.vms(filter, page.first() ? null : page.after(), page.limit() + 1),
                v -> List.of(v.name(), v.host()));
    }

    /** The paged answer's shape, for the OpenAPI document. */
    @Schema(name = "VmPage")
    public record VmPage(List<VmInfo> items, String next) {
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One VM, by UUID or name (a UUID wins over a name)")
    @APIResponse(responseCode = "404", description = "No VM with this UUID or name")
    @APIResponse(responseCode = "409", description = AMBIGUOUS)
    @RolesAllowed(Roles.VIEWER)
    public VmInfo get(@PathParam("id") @PlainText String id) {
        return queries.vm(id);
    }

    /** The refusal of a name that is not unique across the fleet. */
    static final String AMBIGUOUS = "AMBIGUOUS_NAME: VMs on several hosts carry this name; the message lists their"
            + " UUIDs and hosts";

    /** Candidates a summary lists when the caller does not say. */
    static final int DEFAULT_LIMIT = 10;
    /** More than a caller choosing a target reads; the full view lists every host. */
    static final int MAX_LIMIT = 100;
    /** A whole number from 1 to {@link #MAX_LIMIT}, as a query string may write it (padded, leading zeros). */
    static final String LIMIT = "\\s*0*(100|[1-9][0-9]?)\\s*";

    @GET
    @Path("{id}/targets")
    @Operation(summary = "Where the VM can move: by default candidates with score and landing device, every other"
            + " host rejected with reason codes and sentences, and a one-line summary; with view=summary the same"
            + " summary and counts, the best candidates (limit, default 10) and hosts per rejection code")
    @APIResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(oneOf = {TargetsResponse.class, TargetsSummaryResponse.class})))
    @APIResponse(responseCode = "400", description = "Unknown view, or a limit that is not 1.." + MAX_LIMIT)
    @APIResponse(responseCode = "404", description = "No VM with this UUID or name")
    @APIResponse(responseCode = "409", description = "The VM's devices are not fully reported by its host; or "
            + AMBIGUOUS)
    @RolesAllowed(Roles.VIEWER)
    public Object targets(@PathParam("id") @PlainText String id,
            @Parameter(description = "full (default): every host with its reasons; summary: the decision only")
            @QueryParam("view") @Pattern(regexp = "full|summary", message = "is not one of [full, summary]")
            String view,
            @Parameter(description = "view=summary only: how many candidates to list, 1.." + MAX_LIMIT
                    + ", default " + DEFAULT_LIMIT)
            @QueryParam("limit") @Pattern(regexp = LIMIT, message = "must be a whole number from 1 to " + MAX_LIMIT)
            String limit) {
        // The one rule between the two parameters; each one's own is in its annotation.
        if (!"summary".equals(view)) {
            if (limit != null) {
                throw new InvalidRequestException("limit applies to view=summary only; the full view lists every host");
            }
            return TargetsResponse.of(targets.find(id));
        }
        return TargetsSummaryResponse.of(targets.shortlist(id,
                limit == null ? DEFAULT_LIMIT : Integer.parseInt(limit.strip())));
    }
}
