package io.migplan.scheduler.console;

import io.migplan.scheduler.auth.LocalTokens;
import io.migplan.scheduler.auth.TokenRejection;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.AuthenticationFailedException;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * Signing in and out of the console: the only console operations open to anyone (a caller without
 * a session must be able to start one). Signing in checks the pasted token as every API call is
 * checked ({@link ConsoleSession#check}) and keeps it in the session cookie; nothing is stored on
 * the server, so signing out is forgetting the cookie. Both are POSTs with a JSON body, as the API's
 * rule for state-changing calls asks; signing out also needs the session's CSRF token
 * ({@link ConsoleCsrf}), so no other page can sign a browser out.
 */
@Path(ConsolePaths.ROOT)
@Produces(MediaType.TEXT_HTML)
public class ConsoleLogin {

    @Inject
    ConsoleSession session;

    @CheckedTemplate(basePath = "console")
    static class Templates {
        static native TemplateInstance login(Frame frame, String then, String message);
    }

    /** The form a token is pasted into. */
    @GET
    @Path("login")
    @PermitAll
    public TemplateInstance login(@QueryParam("then") String then) {
        return Templates.login(new Frame("Sign in", "login", null, "", false, ""), ConsolePaths.afterLogin(then), null);
    }

    /** The login form's fields. */
    public record Login(String token, String then) {
    }

    /** Checks the token; on success keeps it in the cookie and sends the browser on, else says why. */
    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_JSON)
    @PermitAll
    public Response signIn(Login body, @Context UriInfo uri) {
        String token = body == null || body.token() == null ? "" : body.token().strip();
        LocalTokens.Caller caller;
        try {
            caller = session.check(token);
        } catch (AuthenticationFailedException e) {
            return Response.status(Response.Status.UNAUTHORIZED).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                    .entity("<p class=\"error\" id=\"login-error\">Not signed in: "
                            + ConsoleRefusals.escape(reason(e)) + "</p>")
                    .build();
        }
        return Response.ok("<p class=\"ok\">Signed in as " + ConsoleRefusals.escape(caller.subject()) + "</p>",
                        MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .cookie(ConsoleSession.cookie(token, secure(uri)))
                .header("HX-Redirect", ConsolePaths.afterLogin(body.then())).build();
    }

    /** Forgets the session's cookie and goes to the login page. */
    @POST
    @Path("logout")
    @PermitAll
    public Response signOut(@Context UriInfo uri) {
        return Response.noContent().cookie(ConsoleSession.cleared(secure(uri)))
                .header("HX-Redirect", ConsolePaths.LOGIN).build();
    }

    /** Why a token was refused, as the API would say it. */
    static String reason(AuthenticationFailedException e) {
        String why = TokenRejection.reason(e);
        return why != null ? why : "the token is malformed, expired or not signed by this scheduler's key";
    }

    /** Whether the console was reached over HTTPS, so the cookie must travel only so. */
    static boolean secure(UriInfo uri) {
        return "https".equalsIgnoreCase(uri.getRequestUri().getScheme());
    }
}
