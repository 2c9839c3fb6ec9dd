package io.migplan.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code limits} section and the probe command's concurrency: read, defaulted, bounded. */
class AgentLimitsTest {
  static final String HEAD = "hostId: h1\nrelease: r1\n";
  static final long MIB = 1024 * 1024;

  @Test
  void theLimitsAndTheCommandsConcurrencyAreReadFromYaml() {
    AgentConfig config = AgentConfig.parseYaml(HEAD
        + "limits: {maxConcurrentCalls: 8, maxInboundMessageBytes: 524288, maxQuestionsPerBatch: 2000}\n"
        + "probes: {command: {exec: [/bin/tool], maxConcurrent: 3, maxWait: 250ms}}\n");

    assertThat(config.limits()).isEqualTo(new AgentLimits(8, 524_288, 2_000));
    assertThat(config.probes().commandMaxConcurrent()).isEqualTo(3);
    assertThat(config.probes().commandMaxWait()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void withoutThemTheDefaultsApply() {
    AgentConfig config = AgentConfig.parseYaml(HEAD);

    assertThat(config.limits()).isEqualTo(new AgentLimits(4, 1024 * 1024, 5_000));
    assertThat(config.probes().commandMaxConcurrent()).isEqualTo(2);
    assertThat(config.probes().commandMaxWait()).isEqualTo(Duration.ofMillis(500));
  }

  static Stream<Arguments> outOfBounds() {
    return Stream.of(
        Arguments.of("no call at a time", "limits: {maxConcurrentCalls: 0}",
            "limits.maxConcurrentCalls: must be between 1 and 1024, got 0"),
        Arguments.of("a message size below a small batch", "limits: {maxInboundMessageBytes: 1000}",
            "limits.maxInboundMessageBytes: must be between 65536 and 67108864 bytes, got 1000"),
        Arguments.of("a message size no agent heap holds", "limits: {maxInboundMessageBytes: 134217728}",
            "limits.maxInboundMessageBytes: must be between 65536 and 67108864 bytes, got 134217728"),
        Arguments.of("a batch of no question", "limits: {maxQuestionsPerBatch: 0}",
            "limits.maxQuestionsPerBatch: must be between 1 and 50000, got 0"),
        Arguments.of("a size written with a unit", "limits: {maxInboundMessageBytes: 2MiB}",
            "limits.maxInboundMessageBytes: must be a whole number, got '2MiB'"),
        Arguments.of("an unknown key", "limits: {maxCalls: 3}",
            "limits.maxCalls: unknown key; known keys here are maxConcurrentCalls, maxInboundMessageBytes,"
                + " maxQuestionsPerBatch"),
        Arguments.of("no run of the tool at a time", "probes: {command: {exec: [t], maxConcurrent: 0}}",
            "probes.command.maxConcurrent: must be between 1 and 64, got 0"),
        Arguments.of("a wait longer than a minute", "probes: {command: {exec: [t], maxWait: 2m}}",
            "probes.command.maxWait: must be at most 1m, got PT2M"));
  }

  @ParameterizedTest(name = "{0} is refused naming the key")
  @MethodSource("outOfBounds")
  void aValueOutOfBoundsIsRefusedNamingTheKeyAndTheValue(String sentence, String yaml, String message) {
    assertThatThrownBy(() -> AgentConfig.parseYaml(HEAD + yaml + "\n")).isInstanceOf(InvalidConfigException.class)
        .hasMessage(message);
  }

  @Test
  void aNegativeWaitForTheToolIsRefusedFromCodeToo() {
    assertThatThrownBy(() -> ProbeSettings.DEFAULTS.withCommand(java.util.List.of("t"), Duration.ofSeconds(1))
            .withCommandConcurrency(1, Duration.ofSeconds(-1)).validate())
        .hasMessage("probes.command.maxWait: must not be negative, got PT-1S");
  }

  @Test
  void theDefaultsFitTheShippedSixtyFourMebibyteHeap() {
    // -Xmx64m with the serial collector leaves the JVM a maximum heap a survivor space short of 64 MiB.
    assertThatCode(() -> AgentLimits.DEFAULTS.requireFitsHeap(60 * MIB)).doesNotThrowAnyException();
  }

  @Test
  void limitsThatDoNotFitHalfTheHeapStopTheAgentNamingBothKeys() {
    AgentLimits limits = AgentLimits.DEFAULTS.withMaxConcurrentCalls(8).withMaxInboundMessageBytes(4 * 1024 * 1024);

    assertThatThrownBy(() -> limits.requireFitsHeap(64 * MIB))
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.field()).isEqualTo("limits"))
        .hasMessage("limits: 8 calls (maxConcurrentCalls) of up to 4.0 MiB each (maxInboundMessageBytes) may hold"
            + " 192.0 MiB of heap, more than half of this JVM's 64.0 MiB heap; lower them or give the agent a"
            + " larger -Xmx");
    assertThatCode(() -> limits.requireFitsHeap(512 * MIB)).doesNotThrowAnyException();
  }
}
