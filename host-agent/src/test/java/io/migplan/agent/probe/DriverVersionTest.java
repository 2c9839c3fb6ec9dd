package io.migplan.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DriverVersionTest {
  static Stream<Arguments> comparisons() {
    return Stream.of(
        Arguments.of("equal strings are equal", "550.90.07", "550.90.07", 0),
        Arguments.of("a leading zero does not count", "550.90.7", "550.90.07", 0),
        Arguments.of("a missing part counts as zero", "550.90", "550.90.0", 0),
        Arguments.of("the minor compares as a number, not as text", "550.127.05", "550.90.07", 1),
        Arguments.of("a newer branch is newer whatever follows", "570.124.06", "550.163.01", 1),
        Arguments.of("an older branch is older", "535.183.01", "550.90.07", -1),
        Arguments.of("the third part breaks a tie", "550.90.08", "550.90.07", 1),
        Arguments.of("a longer version with a non-zero tail is newer", "550.90.07.1", "550.90.07", 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("comparisons")
  void versionsCompareAsDottedNumbers(String sentence, String a, String b, int expected) {
    DriverVersion x = DriverVersion.parse(a).orElseThrow();
    DriverVersion y = DriverVersion.parse(b).orElseThrow();
    assertThat(Integer.signum(x.compareTo(y))).isEqualTo(expected);
    assertThat(Integer.signum(y.compareTo(x))).isEqualTo(-expected);
    assertThat(x.equals(y)).isEqualTo(expected == 0);
    if (expected == 0) {
      assertThat(x.hashCode()).isEqualTo(y.hashCode());
    }
  }

  static Stream<Arguments> notVersions() {
    return Stream.of(
        Arguments.of("an empty string", ""),
        Arguments.of("the derived signature's placeholder", "unknown"),
        Arguments.of("a kernel-style suffix", "6.8.0-45-generic"),
        Arguments.of("an empty part", "550..07"),
        Arguments.of("a trailing dot", "550.90."),
        Arguments.of("a number too long for a long", "1234567890123456789.1"));
  }

  @ParameterizedTest(name = "{0} is not a version")
  @MethodSource("notVersions")
  void onlyDottedNumbersAreVersions(String sentence, String text) {
    assertThat(DriverVersion.parse(text)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("parts")
  void majorAndMinorAreTheFirstTwoNumbers(String text, long major, long minor) {
    DriverVersion v = DriverVersion.parse(text).orElseThrow();
    assertThat(v.major()).isEqualTo(major);
    assertThat(v.minor()).isEqualTo(minor);
    assertThat(v).hasToString(text);
  }

  static Stream<Arguments> parts() {
    return Stream.of(
        Arguments.of("535.183.01", 535, 183),
        Arguments.of("550.90.07", 550, 90),
        Arguments.of("570.124.06", 570, 124),
        Arguments.of("17", 17, 0));
  }
}
