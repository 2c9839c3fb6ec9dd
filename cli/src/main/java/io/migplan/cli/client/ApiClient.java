package io.migplan.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * The scheduler's REST API as the command line calls it: every call carries the bearer token, has
 * a connect and a request timeout, and refuses an answer larger than {@link #maxBytes}; every
 * failure leaves as one {@link ApiException} with the server's {@code {code, message}} and status
 * (or {@link ApiException#UNREACHABLE} when there was no answer). Safe for several threads.
 *
 * <p>Calls go over the JDK's {@link HttpURLConnection}, one blocking exchange on the caller's thread;
 * only an event stream ({@link #openStream}) uses the JDK's {@link HttpClient}, made on the first
 * one. The reason is how a command ends: once an {@code HttpClient} exists, its selector thread waits
 * in native code, and JDK 17's exit waits up to 300 ms for such threads to stop (HotSpot's
 * {@code VM_Exit::wait_for_threads_in_native_to_block}), which was more than half of what a
 * {@code migplan where-can} took (docs/benchmarks.md).
 */
public final class ApiClient {

    /** A scheduler that does not accept a connection in this long is down or unreachable. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Every call answers in milliseconds (plans are solved in the background); this is an outage. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /**
     * The largest answer taken: the full targets view of a 5,000-host fleet is about 750 KB
     * (docs/benchmarks.md) and a campaign of thousands of hosts with its history a few MB.
     */
    public static final long MAX_BYTES = 32L << 20;

    /** Writes request bodies; made on the first call that sends one (answers are read by {@link JsonTree}). */
    private static final class Writer {
        static final ObjectMapper JSON = new ObjectMapper();
    }

    private final URI server;
    private final String token;
    private final SSLContext ssl;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final long maxBytes;
    /** The client of event streams; null until the first. */
    private HttpClient streams;

    /**
     * @param server the scheduler's base URL ({@code http://localhost:8080})
     * @param token  the bearer token; null sends none (the scheduler answers 401)
     * @param ssl    the TLS context for an https server; null for the JDK's default trust
     */
    public ApiClient(URI server, String token, SSLContext ssl) {
        this(server, token, ssl, CONNECT_TIMEOUT, REQUEST_TIMEOUT, MAX_BYTES);
    }

    public ApiClient(URI server, String token, SSLContext ssl, Duration connectTimeout, Duration requestTimeout,
            long maxBytes) {
        this.server = stripSlash(Objects.requireNonNull(server));
        this.token = token;
        this.ssl = ssl;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.maxBytes = maxBytes;
    }

    private synchronized HttpClient streams() {
        if (streams == null) {
            HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout)
                    .followRedirects(HttpClient.Redirect.NEVER);
            if (ssl != null) {
                b.sslContext(ssl);
            }
            streams = b.build();
        }
        return streams;
    }

    private static URI stripSlash(URI u) {
        String s = u.toString();
        return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : u;
    }

    /** The server this client calls. */
    public URI server() {
        return server;
    }

    /** An answer with a 2xx status: its body as sent, and parsed. */
    public record Answer(int status, String body) {

        /** The body as JSON; a body that is not JSON is a {@link ApiException#BAD_RESPONSE}. */
        public JsonNode json() {
            try {
                return body.isEmpty() ? NullNode.getInstance() : JsonTree.read(body);
            } catch (IOException e) {
                throw new ApiException(status, ApiException.BAD_RESPONSE, "the scheduler's answer is not JSON: "
                        + abbreviate(body), e);
            }
        }
    }

    /**
     * A path under the server with each {@code {}} replaced by the next argument, encoded as one
     * path segment (a VM name may hold any character).
     */
    public static String path(String template, Object... segments) {
        StringBuilder out = new StringBuilder();
        int next = 0;
        int i = 0;
        while (i < template.length()) {
            if (template.startsWith("{}", i)) {
                if (next >= segments.length) {
                    throw new IllegalArgumentException("too few segments for " + template);
                }
                out.append(URLEncoder.encode(String.valueOf(segments[next++]), StandardCharsets.UTF_8)
                        .replace("+", "%20"));
                i += 2;
            } else {
                out.append(template.charAt(i++));
            }
        }
        if (next != segments.length) {
            throw new IllegalArgumentException("too many segments for " + template);
        }
        return out.toString();
    }

    public Answer get(String path) {
        return send("GET", path, null);
    }

    /** A POST with {@code body} as JSON, or with no body (and no content type) when null. */
    public Answer post(String path, Object body) {
        return send("POST", path, json(body));
    }

    public Answer put(String path, Object body) {
        return send("PUT", path, json(body));
    }

    /** The most of a refusal's body read from a stream's answer: its {@code {code, message}}. */
    static final int MAX_REFUSAL_BYTES = 64 * 1024;

    /**
     * Opens a GET whose answer is a stream ({@code text/event-stream}), with the token and the given
     * headers. It waits for the answer's headers at most {@code wait}; the body is then read a chunk
     * at a time, each within a wait the reader chooses, as long as it lasts (no request timeout: a
     * stream lasts). A refusal is thrown as for every call, with its {@code Retry-After}.
     */
    BodyChunks openStream(String path, java.util.Map<String, String> headers, Duration wait) {
        HttpRequest.Builder b = request(path).setHeader("Accept", "text/event-stream")
                .header("Cache-Control", "no-cache");
        b.timeout(Duration.ofDays(365)); // replaces the request timeout: the stream's own wait applies
        headers.forEach(b::setHeader);
        HttpRequest request = b.GET().build();
        java.util.concurrent.CompletableFuture<HttpResponse<BodyChunks>> sent =
                streams().sendAsync(request, info -> new BodyChunks());
        HttpResponse<BodyChunks> response;
        try {
            response = sent.get(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            sent.cancel(true);
            throw new ApiException(0, ApiException.UNREACHABLE, "the scheduler at " + server + " did not answer "
                    + path + " within " + wait.toSeconds() + " s", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            throw new ApiException(0, ApiException.UNREACHABLE, "cannot reach the scheduler at " + server + ": "
                    + (c instanceof Exception ce ? describe(ce) : String.valueOf(c)), c);
        } catch (InterruptedException e) {
            sent.cancel(true);
            Thread.currentThread().interrupt();
            throw new ApiException(0, ApiException.UNREACHABLE, "interrupted while calling " + server, e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return response.body();
        }
        String body;
        try {
            body = response.body().readAll(MAX_REFUSAL_BYTES, wait);
        } catch (IOException e) {
            body = "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            body = "";
        } finally {
            response.body().cancel();
        }
        throw refusal(status, body, response.headers().firstValue("Retry-After"));
    }

    private HttpRequest.Builder request(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a path starts with /: " + path);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server + path)).timeout(requestTimeout)
                .header("Accept", "application/json");
        if (token != null && !token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private static byte[] json(Object body) {
        if (body == null) {
            return null;
        }
        try {
            return Writer.JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the request as JSON: " + e.getMessage(), e);
        }
    }

    /** One exchange: {@code method} on {@code path} with {@code body} as JSON (none when null). */
    private Answer send(String method, String path, byte[] body) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a path starts with /: " + path);
        }
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(server + path).toURL().openConnection();
            if (ssl != null && c instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(ssl.getSocketFactory());
            }
            c.setInstanceFollowRedirects(false);
            c.setConnectTimeout(millis(connectTimeout));
            c.setReadTimeout(millis(requestTimeout));
            c.setUseCaches(false);
            c.setRequestMethod(method);
            c.setRequestProperty("Accept", "application/json");
            if (token != null && !token.isEmpty()) {
                c.setRequestProperty("Authorization", "Bearer " + token);
            }
            if (body != null) {
                // Set, or the JDK would call it a form.
                c.setRequestProperty("Content-Type", "application/json");
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(body.length);
                try (OutputStream out = c.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = c.getResponseCode();
            String text = readBounded(c, status);
            if (status >= 200 && status < 300) {
                return new Answer(status, text);
            }
            throw refusal(status, text, Optional.ofNullable(c.getHeaderField("Retry-After")));
        } catch (IOException e) {
            throw new ApiException(0, ApiException.UNREACHABLE, "cannot reach the scheduler at " + server + ": "
                    + describe(e), e);
        }
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    private String readBounded(HttpURLConnection c, int status) {
        long declared = c.getContentLengthLong();
        if (declared > maxBytes) {
            c.disconnect();
            throw tooLarge(status, declared);
        }
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
            if (in == null) {
                return "";
            }
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                c.disconnect();
                throw tooLarge(status, -1);
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ApiException(0, ApiException.UNREACHABLE, "the answer from " + server + " broke off: "
                    + describe(e), e);
        }
    }

    private ApiException tooLarge(int status, long declared) {
        return new ApiException(status, ApiException.BAD_RESPONSE, "the scheduler's answer is larger than "
                + maxBytes + " bytes" + (declared > 0 ? " (" + declared + ")" : "") + "; refused");
    }

    /** The server's {@code {code, message}}, or the status and the start of whatever it sent. */
    static ApiException refusal(int status, String body, Optional<String> retryAfter) {
        String code = "HTTP_" + status;
        String message = body.isBlank() ? "no message" : abbreviate(body);
        try {
            JsonNode json = JsonTree.read(body);
            if (json != null && json.hasNonNull("code") && json.hasNonNull("message")) {
                code = json.get("code").asText();
                message = json.get("message").asText();
            }
        } catch (IOException e) {
            // Not JSON (a proxy's page): the start of it is the message.
        }
        Duration delay = null;
        if (retryAfter.isPresent()) {
            message = message + " (retry after " + retryAfter.get().strip() + " s)";
            try {
                delay = Duration.ofSeconds(Math.max(0, Long.parseLong(retryAfter.get().strip())));
            } catch (NumberFormatException e) {
                // An HTTP date, which the scheduler never sends: the caller's own backoff applies.
            }
        }
        return new ApiException(status, code, message, delay);
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        String kind = e.getClass().getSimpleName();
        if (e instanceof java.net.ConnectException && (m == null || m.isBlank() || m.equals("Connection refused"))) {
            m = "connection refused";
        }
        if (m == null || m.isBlank()) {
            Throwable c = e.getCause();
            m = c != null && c.getMessage() != null ? c.getMessage() : kind;
        }
        return kind.equals("HttpConnectTimeoutException") || kind.equals("HttpTimeoutException")
                || e instanceof java.net.SocketTimeoutException ? "timed out (" + m + ")" : m;
    }

    static String abbreviate(String s) {
        String one = s.strip().replaceAll("\\s+", " ");
        return one.length() <= 200 ? one : one.substring(0, 200) + "…";
    }
}
