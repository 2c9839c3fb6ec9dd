package io.migplan.scheduler.api.rest;

import io.migplan.scheduler.error.Texts;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.Locale;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Keeps web pages from changing anything: a call that changes state (POST, PUT, PATCH, DELETE)
 * is taken only with {@code Content-Type: application/json}, or, from a program, without a body
 * and without a content type (as {@code curl -X POST} sends it). Anything else is refused 415
 * {@code UNSUPPORTED_MEDIA_TYPE} ({@link ErrorMappers}) before the call runs, so nothing changes.
 *
 * <p>Why this is enough: a browser sends a cross-site request without asking the server first
 * (CORS preflight) only as a "simple" request, whose content type can be only {@code
 * application/x-www-form-urlencoded}, {@code multipart/form-data} or {@code text/plain}, which is
 * what an HTML form sends, with fields or without. {@code application/json} needs the preflight,
 * which the scheduler answers without permission unless {@code quarkus.http.cors} is configured.
 * A script may also send a body-less request without any content type; it carries an {@code
 * Origin} header, as every browser's POST, PUT, PATCH and DELETE do, so a call without a content
 * type is taken only when it has neither a body nor an Origin. Programs (curl, orchestrators) send
 * no Origin.
 *
 * <p>It decides nothing about who may call (tokens and roles do) and leaves reads alone.
 */
public class JsonOnlyChanges {

    static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");
    static final String ORIGIN = "Origin";

    @ServerRequestFilter
    public void requireJson(ContainerRequestContext request) {
        String refusal = refusal(request);
        if (refusal != null) {
            throw new NotSupportedException(refusal);
        }
    }

    /**
     * Why {@code request} is refused, or null when it is taken (a read, or a change this rule
     * takes). {@link ErrorMappers} also words with it the framework's own refusal of a body the
     * endpoint does not consume, which comes before this filter runs.
     */
    static String refusal(ContainerRequestContext request) {
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        if (!CHANGING.contains(method)) {
            return null;
        }
        return refusal(method, request.getHeaderString(HttpHeaders.CONTENT_TYPE), hasBody(request),
                request.getHeaderString(ORIGIN));
    }

    /** Why a state-changing call with these headers is refused, or null when it is taken. */
    static String refusal(String method, String contentType, boolean hasBody, String origin) {
        if (contentType != null && !contentType.isBlank()) {
            if (isJson(contentType)) {
                return null;
            }
            return "a " + method + " takes only Content-Type application/json, got '" + Texts.escaped(contentType.strip())
                    + "'; a web page's form cannot change anything here";
        }
        if (hasBody) {
            return "a " + method + " with a body needs Content-Type application/json";
        }
        if (origin != null) {
            return "a " + method + " from a web page (Origin '" + Texts.escaped(origin.strip())
                    + "') needs Content-Type application/json, even without a body";
        }
        return null;
    }

    /** {@code application/json}, any parameters (charset) aside; wildcards and other JSON-ish types are not. */
    static boolean isJson(String contentType) {
        try {
            MediaType type = MediaType.valueOf(contentType.strip());
            return "application".equalsIgnoreCase(type.getType()) && "json".equalsIgnoreCase(type.getSubtype());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A declared length above zero, or a chunked body of unknown length. */
    private static boolean hasBody(ContainerRequestContext request) {
        return request.getLength() > 0 || request.getHeaderString("Transfer-Encoding") != null;
    }
}
