package io.migplan.scheduler.console;

import io.migplan.scheduler.error.RefusalException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * How a console request is answered when it is refused, for a page (a GET the browser navigates
 * to), for an htmx request (whose answer goes into part of a page) and for anything else:
 * <ul>
 * <li>no session (never signed in, token expired): a page goes to the login page, which comes back
 * to it; htmx is told to go there ({@code HX-Redirect}); anything else gets 401;</li>
 * <li>a role that may not: 403 with the sentence;</li>
 * <li>a refusal of the service ({@link RefusalException}: unknown host, bad field): its status and
 * sentence.</li>
 * </ul>
 * Console resources call these from their own {@code @ServerExceptionMapper} methods (see the
 * package's documentation for why each declares them).
 */
public final class ConsoleRefusals {

    /** The header htmx sends with each of its requests. */
    static final String HX_REQUEST = "HX-Request";

    private ConsoleRefusals() {
    }

    @CheckedTemplate(basePath = "console")
    static class Templates {
        static native TemplateInstance refusal(Frame frame, String heading, String message);
    }

    /** No session: sign in (again). */
    public static Response unauthenticated(HttpHeaders headers, UriInfo uri, String method) {
        String then = uri.getRequestUri().getRawPath()
                + (uri.getRequestUri().getRawQuery() == null ? "" : "?" + uri.getRequestUri().getRawQuery());
        URI login = URI.create(ConsolePaths.LOGIN + "?then=" + URLEncoder.encode(then, StandardCharsets.UTF_8));
        if (isHtmx(headers)) {
            return Response.status(Response.Status.UNAUTHORIZED).header("HX-Redirect", login.toString())
                    .type(MediaType.TEXT_HTML_TYPE).entity("<p class=\"error\">Your session has ended: sign in again.</p>")
                    .build();
        }
        if ("GET".equals(method)) {
            // Relative: the browser stays on the host name it used (the cookie is that host's).
            return Response.status(Response.Status.SEE_OTHER).header("Location", login.toString()).build();
        }
        return Response.status(Response.Status.UNAUTHORIZED).type(MediaType.TEXT_PLAIN_TYPE)
                .entity("refused: sign in to the console first (" + ConsolePaths.LOGIN + ")").build();
    }

    /** A role that may not do this. */
    public static Response forbidden(Frame frame, HttpHeaders headers, String what) {
        String message = (frame.subject() == null ? "this token" : "'" + frame.subject() + "' (roles " + frame.roles()
                + ")") + " may not " + what;
        return answer(frame, headers, Response.Status.FORBIDDEN.getStatusCode(), "Not allowed", message);
    }

    /** A service's refusal: its status and sentence. */
    public static Response refused(Frame frame, HttpHeaders headers, RefusalException e) {
        return answer(frame, headers, e.kind().httpStatus(), e.kind().httpStatus() == 404 ? "Not found" : "Refused",
                e.getMessage());
    }

    private static Response answer(Frame frame, HttpHeaders headers, int status, String heading, String message) {
        if (isHtmx(headers)) {
            return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                    .entity("<p class=\"error\" id=\"refusal\">" + escape(message) + "</p>").build();
        }
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(Templates.refusal(frame, heading, message).render()).build();
    }

    static boolean isHtmx(HttpHeaders headers) {
        return "true".equals(headers.getHeaderString(HX_REQUEST));
    }

    /** Text as HTML content: the five characters that could end it escaped. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
