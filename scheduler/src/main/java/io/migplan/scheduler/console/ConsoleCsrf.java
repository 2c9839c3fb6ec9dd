package io.migplan.scheduler.console;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The console's CSRF defence: a POST, PUT, PATCH or DELETE under {@code /console} is taken only with
 * the session's CSRF token ({@link ConsoleSession#csrf}) in the {@value ConsoleSession#CSRF_HEADER}
 * header; anything else (no session cookie, no header, another session's token) is refused 403
 * before the action runs, so nothing changes. Signing in is the one exception: it has no session
 * yet. This stands beside, not instead of, the API's rule that a state-changing call takes only JSON
 * (a plain form is refused 415 before it gets here) and the cookie's SameSite=Strict.
 */
public class ConsoleCsrf {

    static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    @Inject
    ConsoleSession session;

    @ServerRequestFilter
    public Response check(ContainerRequestContext request) {
        String path = "/" + request.getUriInfo().getPath().replaceAll("^/+", "");
        if (!ConsolePaths.isConsole(path) || path.equals(ConsolePaths.LOGIN)
                || !CHANGING.contains(request.getMethod().toUpperCase(Locale.ROOT))) {
            return null;
        }
        Cookie cookie = request.getCookies().get(ConsoleSession.COOKIE);
        if (session.csrfMatches(cookie == null ? null : cookie.getValue(),
                request.getHeaderString(ConsoleSession.CSRF_HEADER))) {
            return null;
        }
        return Response.status(Response.Status.FORBIDDEN).type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8"))
                .entity("refused: a console action needs the " + ConsoleSession.CSRF_HEADER
                        + " header of the signed-in page that sends it; reload the page and try again")
                .build();
    }
}
