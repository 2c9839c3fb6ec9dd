package io.migplan.scheduler.api.rest;

import io.migplan.scheduler.error.InvalidRequestException;
import io.migplan.scheduler.paging.PageRequest;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the paged lists of the REST API share: the words of their {@code limit} and {@code cursor}
 * parameters, and the {@code label} filter's {@code key=value} form.
 */
final class Listing {

    static final String LIMIT = "one page of at most this many items (1.." + PageRequest.MAX_LIMIT + ", default "
            + PageRequest.DEFAULT_LIMIT + " when only cursor is given); the answer is then {items, next}";
    static final String CURSOR = "the next of the previous page, as it was given; asks for the page after it, with"
            + " the same filters";
    /** Labels one list may ask for at once: more than any selector of a person or a program names. */
    static final int MAX_LABELS = 16;

    private Listing() {
    }

    /** {@code key=value} pairs, each key once; refused naming {@code label}. */
    static Map<String, String> labels(List<String> given) {
        Map<String, String> out = new TreeMap<>();
        if (given == null) {
            return out;
        }
        if (given.size() > MAX_LABELS) {
            throw new InvalidRequestException("label is given " + given.size() + " times; at most " + MAX_LABELS);
        }
        for (String g : given) {
            String v = g == null ? "" : g.strip();
            int eq = v.indexOf('=');
            if (eq <= 0) {
                throw new InvalidRequestException("label must be key=value, got '" + (v.length() > 40
                        ? v.substring(0, 40) + "…" : v) + "'");
            }
            String key = v.substring(0, eq).strip();
            String value = v.substring(eq + 1).strip();
            String before = out.put(key, value);
            if (before != null && !before.equals(value)) {
                throw new InvalidRequestException("label names key '" + key + "' twice, with '" + before + "' and '"
                        + value + "'");
            }
        }
        return out;
    }

    /** The labels as a cursor records them: {@code a=1,b=2}, by key. */
    static String labelsText(Map<String, String> labels) {
        return String.join(",", labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }
}
