package io.migplan.cli.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Reads an answer's JSON into a {@link JsonNode} tree with jackson-core's parser alone: the tree
 * that {@code new ObjectMapper().readTree(json)} gives (the same node types, numbers as int, long,
 * big integer or double, the last of a repeated field kept, anything after the first value
 * ignored), without making an {@code ObjectMapper}, whose making costs a command about 0.1 s of CPU
 * at start (docs/benchmarks.md). Binding to records and writing JSON are an {@code ObjectMapper}'s.
 */
public final class JsonTree {

    /** The parser's limits (nesting, string and number lengths) are jackson-core's defaults, as readTree's. */
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTree() {
    }

    /**
     * The tree of {@code json}; a missing node when it holds no value (empty or blank).
     *
     * @throws IOException when it is not JSON
     */
    public static JsonNode read(String json) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            JsonToken first = p.nextToken();
            return first == null ? NODES.missingNode() : value(p, first);
        }
    }

    private static JsonNode value(JsonParser p, JsonToken t) throws IOException {
        if (t == null) {
            throw new IOException("unexpected end of input at " + p.currentLocation());
        }
        return switch (t) {
            case START_OBJECT -> object(p);
            case START_ARRAY -> array(p);
            case VALUE_STRING -> NODES.textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> NODES.numberNode(p.getIntValue());
                case LONG -> NODES.numberNode(p.getLongValue());
                default -> NODES.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new IOException("unexpected " + t + " at " + p.currentLocation());
        };
    }

    private static ObjectNode object(JsonParser p) throws IOException {
        ObjectNode node = NODES.objectNode();
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            node.replace(field, value(p, p.nextToken()));
        }
        return node;
    }

    private static JsonNode array(JsonParser p) throws IOException {
        var node = NODES.arrayNode();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            node.add(value(p, t));
        }
        return node;
    }
}
