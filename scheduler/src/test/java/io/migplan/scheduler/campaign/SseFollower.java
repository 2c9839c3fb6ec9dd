package io.migplan.scheduler.campaign;

import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A client of {@code GET /api/v1/campaigns/{id}/events} as a program would write one, on the
 * JDK's HttpClient: it reads the stream's lines on a thread of its own and parses them as the
 * server-sent events specification says (fields {@code id}, {@code event}, {@code data}, a
 * comment line starting with a colon, an empty line ending an event). A refused request keeps
 * its status and body.
 */
final class SseFollower implements AutoCloseable {

    /** One event as received: its id and event fields, and its data as JSON. */
    record Received(String id, String event, String data) {

        JsonPath json() {
            return JsonPath.from(data);
        }
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    final int status;
    final HttpHeaders headers;
    /** The body of a refused request; empty for a stream. */
    final String refusal;
    final List<Received> events = new CopyOnWriteArrayList<>();
    final AtomicInteger comments = new AtomicInteger();
    /** Whether the server ended the stream (rather than this client closing it). */
    volatile boolean ended;
    private volatile boolean closing;
    private final Stream<String> lines;
    private final Thread reader;

    private SseFollower(HttpResponse<Stream<String>> response) {
        status = response.statusCode();
        headers = response.headers();
        lines = response.body();
        if (status != 200) {
            refusal = String.join("\n", lines.toList());
            reader = null;
            return;
        }
        refusal = "";
        reader = new Thread(this::read, "sse-follower");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens {@code path} (with its query) with {@code headers}; returns once the answer's headers came. */
    static SseFollower open(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + path))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(60));
        headers.forEach(request::header);
        return new SseFollower(CLIENT.send(request.GET().build(), BodyHandlers.ofLines()));
    }

    private void read() {
        String id = null;
        String event = null;
        List<String> data = new ArrayList<>();
        try {
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Received(id, event, String.join("\n", data)));
                    }
                    id = null;
                    event = null;
                    data.clear();
                } else if (line.startsWith(":")) {
                    comments.incrementAndGet();
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    value = value.startsWith(" ") ? value.substring(1) : value;
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> event = value;
                        case "data" -> data.add(value);
                        default -> {
                        }
                    }
                }
            }
            ended = !closing;
        } catch (RuntimeException e) {
            // closed by this client, or the connection dropped: not an end the server chose
        }
    }

    /** The ids received so far, as numbers. */
    List<Long> positions() {
        return events.stream().map(e -> Long.parseLong(e.id())).toList();
    }

    /** Goes away as a client does: the connection is dropped mid-stream. */
    @Override
    public void close() {
        closing = true;
        lines.close();
        if (reader != null) {
            reader.interrupt();
        }
    }
}
