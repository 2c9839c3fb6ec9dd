package io.migplan.scheduler.api.rest;

import io.migplan.scheduler.audit.Audited;
import io.migplan.scheduler.auth.LocalTokens;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.error.InvalidRequestException;
import io.migplan.scheduler.error.PlainText;
import io.migplan.scheduler.error.Texts;
import io.quarkus.runtime.configuration.DurationConverter;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Tokens the scheduler signs itself, made by an admin for a person or a program (as {@code token create} does). */
@Path("/api/v1/tokens")
@Produces(MediaType.APPLICATION_JSON)
@Audited
public class TokenResource {

    /** The body of {@code POST /api/v1/tokens}. */
    public record TokenRequest(
            @NotBlank(message = "is required: one of " + ROLES) String role,
            @NotBlank(message = "is required: a duration such as 24h, 7d or PT30M") @PlainText(max = 32) String ttl,
            @NotBlank(message = "is required: who or what will use the token") @PlainText(max = Texts.MAX_ID)
            String subject) {

        static final String ROLES = "[viewer, operator, orchestrator, admin], or several separated by commas";
    }

    /** The token made, shown once: the scheduler keeps no copy. */
    public record TokenMade(String token, String subject, String role, String expiresAt) {
    }

    @Inject
    LocalTokens tokens;
    @Inject
    Clock clock;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Make a token for subject with role, valid for ttl (at most migplan.tokens.max-ttl); the"
            + " answer is the only copy")
    @APIResponse(responseCode = "201", description = "The token, its subject, role and expiry")
    @APIResponse(responseCode = "400", description = "An unknown role, a ttl out of bounds or a bad subject")
    public Response create(@Valid @NotNull(message = "is required: \\{role, ttl, subject\\}") TokenRequest body) {
        LocalTokens.Issued issued = tokens.issue(body.subject(), body.role(), ttl(body.ttl()), clock.instant());
        return Response.status(Response.Status.CREATED).entity(new TokenMade(issued.token(), issued.subject(),
                issued.role(), issued.expiresAt().toString())).build();
    }

    static Duration ttl(String text) {
        try {
            return DurationConverter.parseDuration(text.strip());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("ttl must be a duration such as 24h, 7d or PT30M, got '"
                    + Texts.escaped(text) + "'");
        }
    }
}
