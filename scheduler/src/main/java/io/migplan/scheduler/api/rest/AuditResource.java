package io.migplan.scheduler.api.rest;

import io.migplan.scheduler.audit.AuditLog;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.error.PlainText;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** The audit: every call that changed or tried to change state, newest first, a page at a time. */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    @Inject
    AuditLog audit;

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Audit records newest first: who (subject, roles), what (operation, target), when (at) and"
            + " the result (OK or the refusal's code); follow next as cursor for older ones")
    public AuditLog.Page list(
            @Parameter(description = "records per page, 1.." + AuditLog.MAX_LIMIT + ", default " + AuditLog.DEFAULT_LIMIT)
            @QueryParam("limit") @Min(value = 1, message = "must be at least 1")
            @Max(value = AuditLog.MAX_LIMIT, message = "must be at most " + AuditLog.MAX_LIMIT) Integer limit,
            @Parameter(description = "the next of the previous page; absent for the newest records")
            @QueryParam("cursor") @PlainText(max = 32) String cursor) {
        return audit.page(limit, cursor);
    }
}
