package io.migplan.scheduler.paging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.migplan.scheduler.error.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A page asked of a list sorted on a unique key (keyset pagination): at most {@code limit} items
 * whose key comes after {@code after} (from the first item when empty). A page is read with {@code
 * limit + 1} rows; the extra row only says whether there is more, and the cursor names the last
 * item's key. An item written or removed between two pages changes nothing else: every item there
 * from the first page to the last is given exactly once, one written meanwhile is given when its
 * key comes after the cursor.
 *
 * <p>The cursor is opaque to callers: URL-safe base64 of the list's name, the filters the walk
 * began with and the last key. A cursor of another list or other filters, or one this scheduler
 * could not have made, is refused naming {@code cursor}; a limit outside 1..{@link #MAX_LIMIT}
 * naming {@code limit}. It is not a secret and grants nothing: the filters and key in it are only
 * what the caller's own query string says.
 *
 * @param listing what the list is ("hosts", "vms", "campaigns", "migrations of camp-…")
 * @param filters the filters in force, by query parameter, as given (null values left out)
 * @param after   the last key of the previous page, one string per sort column; empty for the first page
 */
public record PageRequest(String listing, Map<String, String> filters, int limit, List<String> after) {

    /** Items a page holds when the caller names no limit: a screenful of a table, a few tens of KB of JSON. */
    public static final int DEFAULT_LIMIT = 100;
    /** The most a page holds: about a megabyte of hosts' JSON, read in a few milliseconds. */
    public static final int MAX_LIMIT = 1000;
    /** Longer than any cursor made here (a few keys of at most 253 characters, the filters). */
    static final int MAX_CURSOR = 8192;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a cursor holds. */
    record Position(String l, Map<String, String> f, List<String> k) {
    }

    public PageRequest {
        filters = new TreeMap<>(filters);
        after = List.copyOf(after);
    }

    /**
     * The page a caller asks for with {@code limit} and {@code cursor} (both as the query string
     * gave them, null when absent) of {@code listing}, whose sort key has {@code keys} columns.
     *
     * @throws InvalidRequestException naming {@code limit} or {@code cursor}
     */
    public static PageRequest of(String listing, int keys, Map<String, String> filters, String limit,
            String cursor) {
        return of(listing, keys, filters, limit(limit), cursor);
    }

    /**
     * The page of {@code listing} that a page of the scheduler's own asks for: at most {@code limit}
     * items, after {@code cursor} (as the query string gave it, null when absent).
     *
     * @throws InvalidRequestException naming {@code cursor}
     */
    public static PageRequest of(String listing, int keys, Map<String, String> filters, int limit, String cursor) {
        Map<String, String> given = new TreeMap<>();
        filters.forEach((k, v) -> {
            if (v != null) {
                given.put(k, v);
            }
        });
        return new PageRequest(listing, given, limit, cursor == null || cursor.isBlank() ? List.of()
                : position(listing, keys, given, cursor.strip()));
    }

    /** Whether the caller asked for pages at all: a limit or a cursor. */
    public static boolean asked(String limit, String cursor) {
        return limit != null || cursor != null;
    }

    static int limit(String limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        String v = limit.strip();
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > MAX_LIMIT) {
            throw new InvalidRequestException("limit must be a whole number from 1 to " + MAX_LIMIT + ", got '"
                    + shown(v) + "'");
        }
        return n;
    }

    private static List<String> position(String listing, int keys, Map<String, String> filters, String cursor) {
        Position p;
        try {
            if (cursor.length() > MAX_CURSOR) {
                throw new IllegalArgumentException("too long");
            }
            p = JSON.readValue(Base64.getUrlDecoder().decode(cursor), Position.class);
        } catch (IllegalArgumentException | java.io.IOException e) {
            p = null;
        }
        if (p != null && p.l() != null && !p.l().equals(listing)) {
            throw new InvalidRequestException("cursor was given for the list of " + p.l() + ", not of " + listing);
        }
        if (p == null || p.l() == null || p.k() == null || p.k().size() != keys
                || p.k().stream().anyMatch(k -> k == null)) {
            throw new InvalidRequestException("cursor is not one this scheduler gave (pass the 'next' of the previous"
                    + " page as it is), got '" + shown(cursor) + "'");
        }
        Map<String, String> began = p.f() == null ? Map.of() : new TreeMap<>(p.f());
        if (!began.equals(filters)) {
            throw new InvalidRequestException("cursor was given for other filters (" + query(began) + ") than these ("
                    + query(filters) + "); keep a walk's filters, or begin again without a cursor");
        }
        return p.k();
    }

    private static String query(Map<String, String> filters) {
        return filters.isEmpty() ? "none" : String.join("&", filters.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    private static String shown(String v) {
        return v.length() > 40 ? v.substring(0, 40) + "…" : v;
    }

    /** Whether this is the first page. */
    public boolean first() {
        return after.isEmpty();
    }

    /** Column {@code i} of the key to start after. */
    public String after(int i) {
        return after.get(i);
    }

    /** Column {@code i} of the key to start after, a whole number; a cursor holding anything else is refused. */
    public long afterLong(int i) {
        try {
            return Long.parseLong(after.get(i));
        } catch (NumberFormatException e) {
            throw notMade();
        }
    }

    /** Column {@code i} of the key to start after, an instant; a cursor holding anything else is refused. */
    public Instant afterInstant(int i) {
        try {
            return Instant.parse(after.get(i));
        } catch (DateTimeParseException e) {
            throw notMade();
        }
    }

    private InvalidRequestException notMade() {
        return new InvalidRequestException("cursor is not one this scheduler gave for the list of " + listing
                + " (pass the 'next' of the previous page as it is)");
    }

    /**
     * The page of {@code fetched}, the rows read after the cursor in the list's order, at most
     * {@code limit + 1}: the first {@code limit}, and a cursor after the last of them when there was
     * one more.
     */
    public <T> Page<T> page(List<T> fetched, Function<T, List<String>> key) {
        if (fetched.size() <= limit) {
            return new Page<>(List.copyOf(fetched), null);
        }
        List<T> items = List.copyOf(fetched.subList(0, limit));
        return new Page<>(items, cursor(key.apply(items.get(limit - 1))));
    }

    String cursor(List<String> key) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsString(
                    new Position(listing, filters, key)).getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a cursor of strings cannot be written", e);
        }
    }
}
