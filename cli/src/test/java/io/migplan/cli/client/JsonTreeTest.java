package io.migplan.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTreeTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Answers as the scheduler sends them, and the corners of JSON a tree reader can get wrong. */
    static final List<String> SAME_AS_READ_TREE = List.of(
            "{\"vm\":\"vm-1\",\"summary\":\"1/2 hosts eligible\",\"eligible\":1,\"candidates\":[{\"host\":\"h2\","
                    + "\"device\":\"0000:3b:00.0\",\"score\":0.5}],\"rejectedByCode\":[{\"code\":\"OLDER_RELEASE\","
                    + "\"hosts\":1}],\"rejected\":[]}",
            "[{\"id\":\"h1\",\"cpus\":64,\"memoryMib\":524288,\"tags\":[],\"note\":null,\"up\":true,\"drained\":false}]",
            "{\"int\":2147483647,\"long\":2147483648,\"negLong\":-9223372036854775808,"
                    + "\"big\":123456789012345678901234567890,\"double\":1.5e3,\"neg\":-0.25,\"zero\":0,\"exp\":1E2}",
            "{\"a\":1,\"a\":\"last wins\"}",
            "{\"nested\":{\"deeper\":[[1,[2,{\"x\":[]}]],{}]}}",
            "{\"text\":\"\\u00e9t\\u00e9 \\\"quoted\\\" \\n tab\\t\"}",
            "\"just a string\"", "42", "-7.0", "true", "false", "null", "[]", "{}",
            "{\"first\":1} {\"second\":2}",
            "", "   \n\t ");

    @Test
    void readsEveryInputIntoTheTreeThatObjectMapperReadTreeGives() throws Exception {
        for (String json : SAME_AS_READ_TREE) {
            JsonNode expected = MAPPER.readTree(json);
            JsonNode actual = JsonTree.read(json);
            assertThat(actual).as(json).isEqualTo(expected);
            assertSameTypes(json, actual, expected);
        }
    }

    @Test
    void numbersKeepTheNodeTypeTheirSizeGives() throws Exception {
        JsonNode n = JsonTree.read("{\"i\":1,\"l\":4294967296,\"b\":18446744073709551616,\"d\":0.5}");
        assertThat(n.get("i").isInt()).isTrue();
        assertThat(n.get("l").isLong()).isTrue();
        assertThat(n.get("b").isBigInteger()).isTrue();
        assertThat(n.get("d").isDouble()).isTrue();
    }

    @Test
    void whatIsNotJsonIsAnIoErrorAsForReadTree() {
        for (String bad : List.of("<html>bad gateway</html>", "{\"a\":", "[1,2", "{\"a\" 1}", "{a:1}", "[1,]", "}")) {
            assertThatThrownBy(() -> MAPPER.readTree(bad)).as("readTree " + bad).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> JsonTree.read(bad)).as(bad).isInstanceOf(IOException.class);
        }
    }

    @Test
    void nestingDeeperThanTheParsersLimitIsRefusedNotAStackOverflow() {
        String deep = "[".repeat(5_000) + "]".repeat(5_000);
        assertThatThrownBy(() -> JsonTree.read(deep)).isInstanceOf(IOException.class).hasMessageContaining("depth");
    }

    /** Same node type and class at every position (equals alone tells an int from a long, not all). */
    private static void assertSameTypes(String json, JsonNode actual, JsonNode expected) {
        assertThat(actual.getClass()).as(json).isEqualTo(expected.getClass());
        if (expected.isContainerNode()) {
            assertThat(actual.size()).as(json).isEqualTo(expected.size());
            if (expected.isArray()) {
                for (int i = 0; i < expected.size(); i++) {
                    assertSameTypes(json, actual.get(i), expected.get(i));
                }
            } else {
                Iterator<Map.Entry<String, JsonNode>> fields = expected.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> f = fields.next();
                    assertSameTypes(json, actual.get(f.getKey()), f.getValue());
                }
            }
        }
    }
}
