package io.migplan.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Reading the scheduler's JSON for text output: absent fields read as empty, never as an error. */
final class Json {

    private Json() {
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static List<String> texts(JsonNode n, String field) {
        List<String> out = new ArrayList<>();
        JsonNode v = n.get(field);
        if (v != null && v.isArray()) {
            v.forEach(e -> out.add(e.asText()));
        }
        return out;
    }

    static Iterable<JsonNode> items(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v != null && v.isArray() ? v : List.of();
    }

    static Iterable<JsonNode> items(JsonNode array) {
        return array != null && array.isArray() ? array : List.of();
    }

    static int size(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v != null && v.isArray() ? v.size() : 0;
    }

    /** {@code code: message; code: message} of a list of reasons. */
    static String reasons(JsonNode reasons) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : items(reasons)) {
            out.add(text(r, "code") + ": " + text(r, "message"));
        }
        return String.join("; ", out);
    }
}
