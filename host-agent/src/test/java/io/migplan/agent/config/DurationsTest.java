package io.migplan.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @ParameterizedTest(name = "''{0}'' is {1}")
  @CsvSource(delimiter = '|', value = {
      "30s    | PT30S",
      "500ms  | PT0.5S",
      "2m     | PT2M",
      "1h     | PT1H",
      "10 s   | PT10S",
      "PT30S  | PT30S",
      "PT1M5S | PT1M5S",
  })
  void everyDocumentedSpellingIsRead(String text, String iso) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest(name = "''{0}'' is refused")
  @ValueSource(strings = {"", "30", "soon", "1d", "-5s", "1.5s", "s"})
  void anythingElseIsRefusedWithTheValueQuoted(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("must be a duration such as 30s, 500ms, 2m or PT30S, got '" + text + "'");
  }
}
