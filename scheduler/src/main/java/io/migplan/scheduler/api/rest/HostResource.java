package io.migplan.scheduler.api.rest;

import jakarta.annotation.security.RolesAllowed;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.audit.Audited;
import io.migplan.scheduler.error.Texts;
import io.migplan.scheduler.error.PlainText;
import io.migplan.scheduler.inventory.InventoryQueries;
import io.migplan.scheduler.inventory.InventoryQueries.HostDetail;
import io.migplan.scheduler.inventory.InventoryQueries.HostFilter;
import io.migplan.scheduler.inventory.InventoryQueries.HostSummary;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.paging.Filters;
import io.migplan.scheduler.paging.PageRequest;
import jakarta.ws.rs.QueryParam;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
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
    @Operation(summary = "Every host with release, state, capacity, generation and counts of VMs and devices, by id;"
            + " the filters narrow the list. Without limit or cursor: the whole list as an array. With either: one"
            + " page, {items, next}; pass next as cursor, with the same filters, for the page after (null on the"
            + " last)")
    @APIResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(oneOf = {HostSummary[].class, HostPage.class})))
    @APIResponse(responseCode = "400", description = "A limit outside 1.." + PageRequest.MAX_LIMIT + ", a cursor not"
            + " given for this list and these filters, or a filter value that is not one the filter takes")
    @RolesAllowed(Roles.VIEWER)
    public Object list(
            @Parameter(description = Listing.LIMIT) @QueryParam("limit") @PlainText String limit,
            @Parameter(description = Listing.CURSOR) @QueryParam("cursor") @PlainText(max = 8192) String cursor,
            @Parameter(description = "only hosts at this release") @QueryParam("release") @PlainText String release,
            @Parameter(description = "only hosts in this liveness state: UP, STALE or DOWN") @QueryParam("state")
            @PlainText String state,
            @Parameter(description = "only hosts with a parent device of this board (T4, A100, ...)")
            @QueryParam("board") @PlainText String board,
            @Parameter(description = "only hosts carrying this label, key=value; repeated: every one of them")
            @QueryParam("label") List<@PlainText String> labels,
            @Parameter(description = "only hosts in this admin state: ACTIVE, DRAINING or MAINTENANCE")
            @QueryParam("adminState") @PlainText String adminState) {
        HostFilter filter = new HostFilter(Filters.text("release", release), Filters.oneOf("state", state,
                HostState.class), Filters.text("board", board), Listing.labels(labels),
                Filters.oneOf("adminState", adminState, AdminState.class));
        if (!PageRequest.asked(limit, cursor)) {
            return queries.hosts(filter, null, 0);
        }
        Map<String, String> given = new LinkedHashMap<>();
        given.put("release", filter.release());
        given.put("state", state == null ? null : filter.state().name());
        given.put("board", filter.board());
        given.put("label", filter.labels().isEmpty() ? null : Listing.labelsText(filter.labels()));
        given.put("adminState", adminState == null ? null : filter.adminState().name());
        PageRequest page = PageRequest.of("hosts", 1, given, limit, cursor);
        return page.page(queries.hosts(filter, page.first() ? null : page.after(0), page.limit() + 1),
                h -> List.of(h.id()));
    }

    /** The paged answer's shape, for the OpenAPI document. */
    @Schema(name = "HostPage")
    public record HostPage(List<HostSummary> items, String next) {
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
