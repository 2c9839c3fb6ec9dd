package io.migplan.cli.testsupport;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A loopback HTTP server standing in for the scheduler at the edge the command line sees: each
 * request is answered by {@code answer} and recorded, so a test checks what the client sent and
 * how it took the answer. An answer may be a stream ({@link Answer#stream}): its chunks are sent
 * as the test puts them, as the scheduler's event stream sends events.
 */
public final class StandIn implements AutoCloseable {

    /** Put in a stream's queue: the answer ends properly. */
    public static final String END = "\u0000end";
    /** Put in a stream's queue: the connection is dropped without ending the answer. */
    public static final String CUT = "\u0000cut";

    /**
     * A request as received.
     *
     * @param headers the first value of each header, by its name in lower case
     */
    public record Request(String method, String path, String authorization, String contentType, String body,
            Map<String, String> headers) {
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** An answer to send; with {@code stream}, a 200 whose body is each chunk taken from it, until {@link #END} or {@link #CUT}. */
    public record Answer(int status, String body, Map<String, String> headers, BlockingQueue<String> stream) {
        public Answer(int status, String body, Map<String, String> headers) {
            this(status, body, headers, null);
        }

        public static Answer json(int status, String body) {
            return new Answer(status, body, Map.of("Content-Type", "application/json"));
        }

        public static Answer stream(BlockingQueue<String> chunks) {
            return new Answer(200, "", Map.of("Content-Type", "text/event-stream"), chunks);
        }
    }

    private volatile boolean closed;

    public final List<Request> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    public StandIn(Function<Request, Answer> answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request r = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body, headers(exchange));
            requests.add(r);
            Answer a = answer.apply(r);
            a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            if (a.stream() != null) {
                stream(exchange, a.stream());
                return;
            }
            byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.start();
    }

    private static Map<String, String> headers(com.sun.net.httpserver.HttpExchange exchange) {
        Map<String, String> out = new java.util.HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> out.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
        return out;
    }

    private void stream(com.sun.net.httpserver.HttpExchange exchange, BlockingQueue<String> chunks)
            throws IOException {
        exchange.sendResponseHeaders(200, 0);
        java.io.OutputStream out = exchange.getResponseBody();
        while (!closed) {
            String chunk;
            try {
                chunk = chunks.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (chunk == null) {
                continue;
            }
            if (chunk.equals(CUT)) {
                throw new IOException("connection cut by the test"); // the server drops it unended
            }
            if (chunk.equals(END)) {
                break;
            }
            out.write(chunk.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        exchange.close();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
    }
}
