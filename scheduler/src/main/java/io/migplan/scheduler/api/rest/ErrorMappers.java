package io.migplan.scheduler.api.rest;

import io.migplan.scheduler.audit.RefusedCalls;
import io.migplan.scheduler.auth.Access;
import io.migplan.scheduler.auth.Operations;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.auth.TokenRejection;
import io.migplan.scheduler.error.Reason;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.SecurityContext;
import java.lang.reflect.Method;
import java.security.Principal;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;
import io.migplan.scheduler.error.RefusalException;
import io.migplan.scheduler.error.Violations;
import jakarta.validation.ConstraintViolationException;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.migplan.scheduler.error.InvalidRequestException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into {@code {code, message}} with the matching status. Internal faults
 * are logged here with their trace and an incident id; the caller gets the id, never the trace.
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @Inject
    RefusedCalls refusedCalls;

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

    /** A call without a bearer token (or with another scheme) to an operation that needs a role: 401. */
    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e, SimpleResourceInfo resource,
            ContainerRequestContext request, HttpServerRequest http) {
        Method method = method(resource);
        RefusalException refusal = Access.noToken(method == null ? "this call"
                : Operations.name(resource.getResourceClass(), method),
                method == null ? Set.of() : Access.roles(method).orElse(Set.of()));
        audit(resource, method, request, http, null, null, refusal);
        return refused(refusal);
    }

    /** A bearer token that was refused (expired, bad signature, unknown issuer): 401 saying why. */
    @ServerExceptionMapper
    public Response rejected(AuthenticationFailedException e, SimpleResourceInfo resource,
            ContainerRequestContext request, HttpServerRequest http) {
        RefusalException refusal = Access.rejected(TokenRejection.reason(e));
        audit(resource, method(resource), request, http, null, null, refusal);
        return refused(refusal);
    }

    /** A valid token whose roles do not include one the operation allows: 403 naming both. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, SimpleResourceInfo resource, ContainerRequestContext request,
            HttpServerRequest http) {
        SecurityContext security = request.getSecurityContext();
        Method method = method(resource);
        Principal who = security.getUserPrincipal();
        Set<String> held = new TreeSet<>();
        Roles.ALL.stream().filter(security::isUserInRole).forEach(held::add);
        RefusalException refusal = Access.forbidden(who == null ? null : who.getName(), Roles.given(held),
                method == null ? "this call" : Operations.name(resource.getResourceClass(), method),
                method == null ? Set.of() : Access.roles(method).orElse(Set.of()));
        audit(resource, method, request, http, who == null ? null : who.getName(),
                String.join(",", Roles.given(held)), refusal);
        return refused(refusal);
    }

    /** A 401 or 403 of an operation that changes state goes to the audit ({@link RefusedCalls} decides and bounds). */
    private void audit(SimpleResourceInfo resource, Method method, ContainerRequestContext request,
            HttpServerRequest http, String subject, String roles, RefusalException refusal) {
        refusedCalls.refused(resource == null ? null : resource.getResourceClass(), method,
                http == null || http.remoteAddress() == null ? null : http.remoteAddress().hostAddress(), subject,
                roles, RefusedCalls.target(request.getUriInfo().getPathParameters()), refusal);
    }

    private static Method method(SimpleResourceInfo resource) {
        if (resource == null || resource.getResourceClass() == null) {
            return null;
        }
        for (Method m : resource.getResourceClass().getMethods()) {
            if (m.getName().equals(resource.getMethodName())
                    && Arrays.equals(m.getParameterTypes(), resource.parameterTypes())) {
                return m;
            }
        }
        return null;
    }

    /**
     * A body the endpoint does not consume: the framework refuses it while matching the call, before
     * {@link JsonOnlyChanges} runs; a change is answered with that rule's sentence, as every other
     * call it refuses, and anything else as the other framework errors.
     */
    @ServerExceptionMapper
    public Response unsupported(NotSupportedException e, ContainerRequestContext request) {
        String refusal = JsonOnlyChanges.refusal(request);
        return refusal == null ? web(e) : error(Response.Status.UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE",
                refusal);
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
