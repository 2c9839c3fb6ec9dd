package io.migplan.cli.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a server-sent event stream as the HTML specification's "event stream interpretation"
 * says: lines end at CR, LF or CRLF; a line starting with a colon is a comment; {@code id},
 * {@code event}, {@code data} and {@code retry} fields, the value after one optional space; several
 * {@code data} lines joined by newlines; a blank line dispatches the event, unless it has no data.
 * The last event id is kept across events (and connections) until another {@code id} replaces it,
 * so a reconnect can send it as {@code Last-Event-ID}.
 *
 * <p>Bounded: a line longer than {@link #maxLine} bytes or an event whose data is longer than
 * {@link #maxEvent} characters is refused ({@link TooLarge}), so a broken or hostile server cannot
 * make the client buffer without end. It decides nothing about what events mean.
 */
public final class SseParser {

    /**
     * The longest line taken: the scheduler's campaign events are one line of JSON of a few hundred
     * bytes whose longest field is a sentence; 256 KiB is far beyond any of them.
     */
    public static final int MAX_LINE = 256 * 1024;
    /** The most data one event may carry, over all its {@code data} lines. */
    public static final int MAX_EVENT = 1024 * 1024;

    /**
     * One dispatched event.
     *
     * @param id   the last event id when it was dispatched (this event's, or an earlier one's); null if none was sent
     * @param kind the {@code event} field; {@code message} when the server sent none
     * @param data the data lines joined by newlines
     */
    public record Event(String id, String kind, String data) {
    }

    /** The stream broke a bound: a line or an event larger than the parser takes. */
    public static final class TooLarge extends IOException {
        TooLarge(String message) {
            super(message);
        }
    }

    private final int maxLine;
    private final int maxEvent;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean afterCr;
    private boolean firstLine = true;
    private StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String kind;
    private String idBuffer;
    private String lastEventId;
    private long retryMillis = -1;
    private long comments;

    public SseParser() {
        this(MAX_LINE, MAX_EVENT);
    }

    public SseParser(int maxLine, int maxEvent) {
        this.maxLine = maxLine;
        this.maxEvent = maxEvent;
    }

    /** The id to resume after ({@code Last-Event-ID}): the last one set by a dispatched event; null if none. */
    public String lastEventId() {
        return lastEventId;
    }

    /** The reconnection delay the server asked for with a {@code retry} field, in milliseconds; -1 if none. */
    public long retryMillis() {
        return retryMillis;
    }

    /** Comment lines seen so far (the scheduler's {@code :keep-alive}). */
    public long comments() {
        return comments;
    }

    /** Reads bytes as they came off the connection; returns the events they completed, in order. */
    public List<Event> feed(ByteBuffer bytes) throws TooLarge {
        List<Event> out = new ArrayList<>();
        while (bytes.hasRemaining()) {
            byte b = bytes.get();
            if (b == '\n' && afterCr) {
                afterCr = false; // the LF of a CRLF: the line ended at the CR
                continue;
            }
            afterCr = b == '\r';
            if (b == '\r' || b == '\n') {
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                Event e = line(text);
                if (e != null) {
                    out.add(e);
                }
                continue;
            }
            if (line.size() >= maxLine) {
                throw new TooLarge("a line of the event stream is longer than " + maxLine + " bytes; refused");
            }
            line.write(b);
        }
        return out;
    }

    /** One whole line (without its end); returns the event a blank line dispatches, else null. */
    public Event line(String text) throws TooLarge {
        if (firstLine) {
            firstLine = false;
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
        }
        if (text.isEmpty()) {
            return dispatch();
        }
        if (text.startsWith(":")) {
            comments++;
            return null;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> kind = value;
            case "data" -> {
                if (data.length() + value.length() + 1 > maxEvent) {
                    throw new TooLarge("an event of the stream carries more than " + maxEvent
                            + " characters of data; refused");
                }
                data.append(value).append('\n');
                hasData = true;
            }
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    idBuffer = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9') && value.length() < 10) {
                    retryMillis = Long.parseLong(value);
                }
            }
            default -> {
                // A field this parser does not know is passed over, as the specification says.
            }
        }
        return null;
    }

    /**
     * Forgets a half-read line and event (the connection broke in the middle of them); the last
     * event id stays, to resume after.
     */
    public void reset() {
        line.reset();
        afterCr = false;
        firstLine = true;
        data = new StringBuilder();
        hasData = false;
        kind = null;
        idBuffer = lastEventId;
    }

    private Event dispatch() {
        lastEventId = idBuffer;
        if (!hasData) {
            kind = null;
            return null;
        }
        String d = data.substring(0, data.length() - 1);
        Event e = new Event(lastEventId, kind == null || kind.isEmpty() ? "message" : kind, d);
        data = new StringBuilder();
        hasData = false;
        kind = null;
        return e;
    }
}
