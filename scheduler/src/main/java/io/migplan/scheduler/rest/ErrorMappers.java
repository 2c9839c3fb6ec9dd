package io.migplan.scheduler.rest;

import io.migplan.scheduler.campaigns.CampaignConflictException;
import io.migplan.scheduler.inventory.UnknownObjectException;
import io.migplan.scheduler.placement.IncompleteInventoryException;
import io.migplan.scheduler.plans.PlanFinishedException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into {@code {code, message}} with the matching status. Internal faults
 * are logged here with their trace and an incident id; the caller gets the id, never the trace.
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response unknown(UnknownObjectException e) {
        return error(Response.Status.NOT_FOUND, "NOT_FOUND", e.getMessage());
    }

    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e) {
        return error(Response.Status.BAD_REQUEST, "INVALID_ARGUMENT", e.getMessage());
    }

    /**
     * A request breaking its record's or parameter's constraints: 400 naming each field, its
     * limit and the value given (see {@link Violations}), in place of Quarkus' violation report.
     */
    @ServerExceptionMapper
    public Response violated(ConstraintViolationException e) {
        if (Violations.onReturnValue(e.getConstraintViolations())) {
            return internal(e);
        }
        return error(Response.Status.BAD_REQUEST, "INVALID_ARGUMENT", Violations.describe(e.getConstraintViolations()));
    }

    @ServerExceptionMapper
    public Response finished(PlanFinishedException e) {
        return error(Response.Status.CONFLICT, "PLAN_FINISHED", e.getMessage());
    }

    @ServerExceptionMapper
    public Response campaignConflict(CampaignConflictException e) {
        return error(Response.Status.CONFLICT, e.code(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response incomplete(IncompleteInventoryException e) {
        return error(Response.Status.CONFLICT, "INVENTORY_INCOMPLETE", e.getMessage());
    }

    /** Framework errors (unknown path, wrong method, unacceptable media type) keep their status. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        String code = status.getReasonPhrase() == null ? "HTTP_" + status.getStatusCode()
                : status.getReasonPhrase().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
        String message = e.getMessage() == null || e.getMessage().isBlank() ? status.getReasonPhrase() : e.getMessage();
        return error(status, code, message);
    }

    @ServerExceptionMapper
    public Response internal(Throwable e) {
        String incident = UUID.randomUUID().toString();
        LOG.errorf(e, "internal error, incident %s", incident);
        return error(Response.Status.INTERNAL_SERVER_ERROR, "INTERNAL",
                "internal error; the scheduler's log has the details under incident " + incident);
    }

    private static Response error(Response.StatusType status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ApiError(code, message)).build();
    }
}
