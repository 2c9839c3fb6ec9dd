package io.migplan.agent.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DerivedSignatureParseTest {
  static Stream<Arguments> derived() {
    return Stream.of(
        Arguments.of("an NVIDIA signature gives type, board, driver and version",
            "nvidia-231/T4/nvidia-550.90.07", "nvidia-231", "T4", "nvidia", "550.90.07"),
        Arguments.of("placeholders read as unknown",
            "mtty-2/unknown-board/unknown-driver-unknown", "mtty-2", null, null, null),
        Arguments.of("an unknown version keeps the driver",
            "mtty-2/unknown-board/mtty-unknown", "mtty-2", null, "mtty", null),
        Arguments.of("an unknown driver keeps the version",
            "nvidia-231/T4/unknown-driver-550.90.07", "nvidia-231", "T4", null, "550.90.07"),
        Arguments.of("a dash in the driver name stays in the driver",
            "x-1/B/vfio-pci-1.2", "x-1", "B", "vfio-pci", "1.2"),
        Arguments.of("dashes in the version stay in the version",
            "mtty-1/unknown-board/mtty-6.8.0-45-generic", "mtty-1", null, "mtty", "6.8.0-45-generic"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("derived")
  void aDerivedSignatureReadsBackIntoItsParts(
      String sentence, String signature, String type, String board, String driver, String version) {
    Signatures.Derived d = Signatures.parseDerived(signature).orElseThrow();
    assertThat(d.typeId()).isEqualTo(type);
    assertThat(d.board()).isEqualTo(Optional.ofNullable(board));
    assertThat(d.driver()).isEqualTo(Optional.ofNullable(driver));
    assertThat(d.driverVersion()).isEqualTo(Optional.ofNullable(version));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("roundTrips")
  void whatDerivedWritesParseReads(String type, String board, String driver, String version) {
    Signatures.Derived d = Signatures.parseDerived(Signatures.derived(type, board, driver, version)).orElseThrow();
    assertThat(d.typeId()).isEqualTo(type);
    assertThat(d.board()).contains(board);
    assertThat(d.driver()).contains(driver);
    assertThat(d.driverVersion()).contains(version);
  }

  static Stream<Arguments> roundTrips() {
    return Stream.of(
        Arguments.of("nvidia-231", "T4", "nvidia", "535.183.01"),
        Arguments.of("nvidia-558", "A10", "nvidia", "570.124.06"),
        Arguments.of("i915-GVTg_V5_4", "UHD630", "i915", "6.8.0"));
  }

  static Stream<Arguments> notDerived() {
    return Stream.of(
        Arguments.of("a version attribute's string", "00028086-193b-i915-GVTg_V5_4"),
        Arguments.of("too few parts", "nvidia-231/nvidia-550.90.07"),
        Arguments.of("too many parts", "a/b/c/nvidia-1"),
        Arguments.of("a driver without a version", "nvidia-231/T4/nvidia"),
        Arguments.of("an empty string", ""));
  }

  @ParameterizedTest(name = "{0} is not a derived signature")
  @MethodSource("notDerived")
  void anythingElseIsNotDerived(String sentence, String signature) {
    assertThat(Signatures.parseDerived(signature)).isEmpty();
  }
}
