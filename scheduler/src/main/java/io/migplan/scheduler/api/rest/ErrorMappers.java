package io.migplan.scheduler.api.rest;

import io.migplan.scheduler.error.Reason;
import io.migplan.scheduler.error.RefusalException;
import io.migplan.scheduler.error.Violations;
import jakarta.validation.ConstraintViolationException;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.migplan.scheduler.error.InvalidRequestException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
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

    /**
     * A service's deliberate refusal: the status its kind maps to, its code and sentence, and
     * for a refusal that says when to retry a {@code Retry-After} header in whole seconds
     * (rounded up, at least 1: RFC 9110 allows no fractions, and 0 would invite a busy loop).
     */
    @ServerExceptionMapper
    public Response refused(RefusalException e) {
        Response.ResponseBuilder response = answer(Response.Status.fromStatusCode(e.kind().httpStatus()), e.code(),
                e.getMessage());
        e.retryAfter().ifPresent(delay -> response.header("Retry-After", retryAfterSeconds(delay)));
        return response.build();
    }

    static long retryAfterSeconds(Duration delay) {
        long seconds = delay.getSeconds() + (delay.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    /**
     * A request breaking its record's or parameter's constraints: 400 naming each field, its
     * limit and the value given (see {@link Violations}), in place of Quarkus' violation report.
     */
    @ServerExceptionMapper
    public Response violated(ConstraintViolationException e) {
        RefusalException refusal = RefusalException.from(e);
        return refusal == null ? internal(e) : refused(refusal);
    }

    /**
     * A body that is not the JSON its request takes: 400 naming where (the field as a JSON path,
     * or the line and column of malformed JSON) and what belongs there. Nothing was read into a
     * request, so nothing was done.
     */
    @ServerExceptionMapper
    public Response unreadable(JsonProcessingException e) {
        return refused(new InvalidRequestException(BodyErrors.describe(e)));
    }

    /** The same for the kinds Quarkus REST maps itself when nothing more specific is declared. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return unreadable(e);
    }

    @ServerExceptionMapper
    public Response malformed(JsonParseException e) {
        return unreadable(e);
    }

    @ServerExceptionMapper
    public Response unmapped(JsonMappingException e) {
        return unreadable(e);
    }

    @ServerExceptionMapper
    public Response outOfRange(InputCoercionException e) {
        return unreadable(e);
    }

    /** Framework errors (unknown path, wrong method, unacceptable media type) keep their status. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonProcessingException json) {
                return unreadable(json);
            }
        }
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
        return answer(status, code, message).build();
    }

    private static Response.ResponseBuilder answer(Response.StatusType status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new Reason(code, message));
    }
}
