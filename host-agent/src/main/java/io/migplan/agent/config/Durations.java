package io.migplan.agent.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The duration format of every config file and option: "30s", "500ms", "2m", "1h" or ISO-8601 ("PT30S"). */
public final class Durations {
  /** What a duration looks like, for messages: "must be " + this. */
  public static final String EXPECTED = "a duration such as 30s, 500ms, 2m or PT30S";

  private static final Pattern SHORT = Pattern.compile("^(\\d+)\\s*(ms|s|m|h)$");

  private Durations() {}

  /** Reads a duration; fails with "must be a duration such as 30s, ..., got 'value'". */
  public static Duration parse(String value) {
    String v = value.strip();
    Matcher m = SHORT.matcher(v);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
    try {
      return Duration.parse(v);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("must be " + EXPECTED + ", got '" + value + "'");
    }
  }

  /** Binds any plain value written in the format above; a list or a mapping is refused. */
  static final class Deserializer extends StdScalarDeserializer<Duration> {
    Deserializer() {
      super(Duration.class);
    }

    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.currentToken().isScalarValue()) {
        return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
      }
      String text = p.getValueAsString();
      try {
        return parse(text);
      } catch (IllegalArgumentException e) {
        throw ctxt.weirdStringException(text, Duration.class, e.getMessage());
      }
    }
  }
}
