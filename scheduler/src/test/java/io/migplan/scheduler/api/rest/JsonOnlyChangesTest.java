package io.migplan.scheduler.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which state-changing requests are taken, by their content type, body and origin. */
class JsonOnlyChangesTest {

    static Stream<Arguments> requests() {
        return Stream.of(
                Arguments.of("JSON is taken", "application/json", true, null, true),
                Arguments.of("JSON with a charset is taken", "application/json; charset=UTF-8", true, null, true),
                Arguments.of("JSON from a page of the same site is taken", "APPLICATION/JSON", false,
                        "https://console.example.net", true),
                Arguments.of("a program's POST without body or type is taken", null, false, null, true),
                Arguments.of("an url-encoded form is refused", "application/x-www-form-urlencoded", false, null, false),
                Arguments.of("a multipart form is refused", "multipart/form-data; boundary=b", true, null, false),
                Arguments.of("a text/plain form is refused", "text/plain", true, null, false),
                Arguments.of("a wildcard is not JSON", "*/*", false, null, false),
                Arguments.of("another JSON-like type is not JSON", "application/json-patch+json", true, null, false),
                Arguments.of("a malformed type is refused", "application/", true, null, false),
                Arguments.of("a body without a type is refused", null, true, null, false),
                Arguments.of("a page's POST without body or type is refused", null, false, "https://evil.example",
                        false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void onlyJsonOrAProgramsEmptyCallChangesState(String sentence, String contentType, boolean body, String origin,
            boolean taken) {
        assertThat(JsonOnlyChanges.refusal("POST", contentType, body, origin) == null).isEqualTo(taken);
    }
}
