package io.migplan.agent.probe;

import static io.migplan.agent.probe.Inventories.ask;
import static io.migplan.agent.probe.Inventories.bySignature;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.proto.v1.Verdict;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RulesProbeTest {
  static final Verdict YES = Verdict.VERDICT_COMPATIBLE;
  static final Verdict NO = Verdict.VERDICT_INCOMPATIBLE;
  static final Verdict UNKNOWN = Verdict.VERDICT_UNKNOWN;

  final RulesProbe defaults = new RulesProbe(ProbeRules.defaults());

  static Arguments row(String sentence, HostSnapshot host, ProbeQuestion q, Verdict verdict, String code) {
    return Arguments.of(sentence, host, q, verdict, code);
  }

  static Stream<Arguments> defaultRules() {
    HostSnapshot mixed = Inventories.mixedHost();
    return Stream.of(
        row("an NVIDIA vGPU of the same type, board and driver is compatible",
            mixed, ask("nvidia-231", "nvidia-231", "T4", "550.90.07"), YES, ""),
        row("a derived signature alone gives the source's type, board and driver",
            mixed, bySignature("nvidia-231", "nvidia-231/T4/nvidia-550.90.07"), YES, ""),
        row("another NVIDIA type is refused",
            mixed, ask("nvidia-231", "nvidia-232", "T4", "550.90.07"), NO, ProbeCodes.TYPE_MISMATCH),
        row("another board is refused even for the same type id",
            mixed, ask("nvidia-558", "nvidia-558", "T4", "550.90.07"), NO, ProbeCodes.BOARD_MISMATCH),
        row("an older driver on the target is a backward move and refused",
            Inventories.nvidiaHost("535.183.01"), ask("nvidia-231", "nvidia-231", "T4", "550.90.07"),
            NO, ProbeCodes.DRIVER_BACKWARD),
        row("a newer driver of the same branch on the target is accepted",
            Inventories.nvidiaHost("550.127.05"), ask("nvidia-231", "nvidia-231", "T4", "550.90.07"), YES, ""),
        row("a newer branch on the target is outside the window",
            Inventories.nvidiaHost("570.124.06"), ask("nvidia-231", "nvidia-231", "T4", "550.90.07"),
            NO, ProbeCodes.DRIVER_OUTSIDE_WINDOW),
        row("versions compare as numbers, so 550.90 is older than 550.127",
            Inventories.nvidiaHost("550.90.07"), ask("nvidia-231", "nvidia-231", "T4", "550.127.05"),
            NO, ProbeCodes.DRIVER_BACKWARD),
        row("the question's fields win over its signature",
            mixed, ask("nvidia-231", "nvidia-231", "T4", "550.90.07").toBuilder()
                .setSourceSignature("nvidia-231/A10/nvidia-535.54.03").build(), YES, ""),
        row("a source without a known driver version is unknown",
            mixed, bySignature("nvidia-231", "nvidia-231/T4/nvidia-unknown"), UNKNOWN, ProbeCodes.FACTS_UNKNOWN),
        row("a source without a known board is unknown",
            mixed, bySignature("nvidia-231", "nvidia-231/unknown-board/nvidia-550.90.07"),
            UNKNOWN, ProbeCodes.FACTS_UNKNOWN),
        row("a version-attribute signature without source fields is unknown",
            mixed, bySignature("nvidia-231", "00028086-193b-i915-GVTg_V5_4"), UNKNOWN, ProbeCodes.FACTS_UNKNOWN),
        row("a source version that is not dotted numbers is unknown",
            mixed, ask("nvidia-231", "nvidia-231", "T4", "r550"), UNKNOWN, ProbeCodes.FACTS_UNKNOWN),
        row("a target parent without a driver version is unknown",
            mixed, ask("nvidia-233", "nvidia-233", "T4", "550.90.07"), UNKNOWN, ProbeCodes.FACTS_UNKNOWN),
        row("GVT-g is not live-migratable",
            mixed, bySignature("i915-GVTg_V5_4", "i915-GVTg_V5_4/unknown-board/i915-unknown"),
            NO, ProbeCodes.NOT_MIGRATABLE),
        row("mdpy is not live-migratable",
            mixed, bySignature("mdpy-vga", "mdpy-vga/unknown-board/mdpy-unknown"), NO, ProbeCodes.NOT_MIGRATABLE),
        row("mbochs is not live-migratable",
            mixed, bySignature("mbochs-1", "mbochs-1/unknown-board/mbochs-unknown"), NO, ProbeCodes.NOT_MIGRATABLE),
        row("vfio-ccw is not live-migratable",
            mixed, bySignature("vfio_ccw-io", "x"), NO, ProbeCodes.NOT_MIGRATABLE),
        row("vfio-ap is not live-migratable",
            mixed, bySignature("vfio_ap-passthrough", "x"), NO, ProbeCodes.NOT_MIGRATABLE),
        row("mtty of the same type is compatible whatever the versions",
            mixed, bySignature("mtty-2", "mtty-2/unknown-board/mtty-unknown"), YES, ""),
        row("mtty of another type is refused",
            mixed, bySignature("mtty-2", "mtty-1/unknown-board/mtty-unknown"), NO, ProbeCodes.TYPE_MISMATCH),
        row("a type this host does not have is refused",
            mixed, ask("nvidia-999", "nvidia-999", "T4", "550.90.07"), NO, ProbeCodes.NO_SUCH_TYPE),
        row("the type on another parent than the one asked for is refused",
            mixed, ask("nvidia-231", "nvidia-231", "T4", "550.90.07").toBuilder()
                .setTargetParent(Inventories.A10).build(), NO, ProbeCodes.NO_SUCH_TYPE),
        row("a driver no rule names is unknown",
            mixed, bySignature("amdgpu-1", "amdgpu-1/unknown-board/amdgpu-1.0"), UNKNOWN, ProbeCodes.NO_RULE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("defaultRules")
  void theShippedRules(String sentence, HostSnapshot host, ProbeQuestion q, Verdict verdict, String code) {
    ProbeAnswer a = defaults.answer(List.of(q), host).get(0);
    assertThat(a.getVerdict()).as(a.getMessage()).isEqualTo(verdict);
    assertThat(a.getCode()).as(a.getMessage()).isEqualTo(code);
    assertThat(a.getBackend()).isEqualTo("RulesProbe");
    assertThat(a.getId()).isEqualTo("q");
    assertThat(a.getMessage()).contains(q.getTargetTypeId()).endsWith(".");
  }

  static final String CONFIGURED = """
      rules:
        - name: nvidia-lenient
          drivers: [nvidia]
          sameBoard: true
          driverVersion: {forward: same-major, maxMinorAhead: 40, backward: same-major}
        - name: nvidia-strict
          drivers: [nvidia-strict]
          driverVersion: {forward: none}
        - name: nvidia-anything-newer
          drivers: [nvidia-any]
          driverVersion: {forward: any, backward: same-major, maxMinorBehind: 10}
      """;

  static Stream<Arguments> configuredRules() {
    ProbeQuestion from550 = ask("nvidia-231", "nvidia-231", "T4", "550.90.07");
    return Stream.of(
        row("a backward move within the branch is allowed when configured",
            host("nvidia", "550.54.14"), from550, YES, ""),
        row("a backward move to another branch stays outside the window",
            host("nvidia", "535.183.01"), from550, NO, ProbeCodes.DRIVER_OUTSIDE_WINDOW),
        row("a newer minor release within maxMinorAhead is accepted",
            host("nvidia", "550.127.05"), from550, YES, ""),
        row("a newer minor release beyond maxMinorAhead is refused",
            host("nvidia", "550.163.01"), from550, NO, ProbeCodes.DRIVER_OUTSIDE_WINDOW),
        row("forward none refuses any newer driver",
            host("nvidia-strict", "550.90.08"), from550, NO, ProbeCodes.DRIVER_OUTSIDE_WINDOW),
        row("forward none still accepts the same version",
            host("nvidia-strict", "550.90.07"), from550, YES, ""),
        row("forward none refuses an older driver as backward",
            host("nvidia-strict", "550.90.06"), from550, NO, ProbeCodes.DRIVER_BACKWARD),
        row("forward any accepts a newer branch",
            host("nvidia-any", "570.124.06"), from550, YES, ""),
        row("maxMinorBehind bounds a backward move",
            host("nvidia-any", "550.54.14"), from550, NO, ProbeCodes.DRIVER_OUTSIDE_WINDOW),
        row("a backward move within maxMinorBehind is accepted",
            host("nvidia-any", "550.80.01"), from550, YES, ""));
  }

  private static HostSnapshot host(String driver, String version) {
    return HostSnapshot.newBuilder()
        .addParents(Inventories.parent(Inventories.T4, driver, "T4", version, "nvidia-231")).build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configuredRules")
  void configuredWindows(String sentence, HostSnapshot host, ProbeQuestion q, Verdict verdict, String code) {
    RulesProbe probe = new RulesProbe(ProbeRules.parse(CONFIGURED, "test rules"));
    ProbeAnswer a = probe.answer(List.of(q), host).get(0);
    assertThat(a.getVerdict()).as(a.getMessage()).isEqualTo(verdict);
    assertThat(a.getCode()).as(a.getMessage()).isEqualTo(code);
  }

  @Test
  void sentencesNameTypeParentBoardsVersionsAndRule() {
    HostSnapshot mixed = Inventories.mixedHost();
    assertThat(message(mixed, ask("nvidia-558", "nvidia-558", "T4", "550.90.07")))
        .isEqualTo("type nvidia-558 on parent 0000:5e:00.0 is on board A10 but the source is on board T4;"
            + " rule 'nvidia-vgpu' requires the same board.");
    assertThat(message(Inventories.nvidiaHost("535.183.01"), ask("nvidia-231", "nvidia-231", "T4", "550.90.07")))
        .isEqualTo("target driver 535.183.01 on parent 0000:3b:00.0 is older than the source's 550.90.07;"
            + " rule 'nvidia-vgpu' allows no backward migration (type nvidia-231).");
    assertThat(message(Inventories.nvidiaHost("570.124.06"), ask("nvidia-231", "nvidia-231", "T4", "550.90.07")))
        .isEqualTo("target driver 570.124.06 on parent 0000:3b:00.0 is newer than the source's 550.90.07 but"
            + " it is in branch 570 and the source in branch 550, and a newer driver is allowed only within"
            + " the same branch under rule 'nvidia-vgpu' (type nvidia-231).");
    assertThat(message(Inventories.nvidiaHost("550.127.05"), ask("nvidia-231", "nvidia-231", "T4", "550.90.07")))
        .isEqualTo("type nvidia-231 on parent 0000:3b:00.0 accepts the source under rule 'nvidia-vgpu':"
            + " same type, board T4, driver 550.90.07 -> 550.127.05 (forward, same-major).");
    assertThat(message(mixed, bySignature("i915-GVTg_V5_4", "x")))
        .isEqualTo("type i915-GVTg_V5_4 on parent 0000:00:02.0 (driver i915) is not live-migratable under"
            + " rule 'intel-gvt-g': GVT-g (kvmgt) implements no VFIO migration ops.");
    assertThat(message(mixed, bySignature("amdgpu-1", "x")))
        .isEqualTo("no rule of built-in /probe-rules.default.yaml governs driver amdgpu of type amdgpu-1 on"
            + " parent 0000:c1:00.0; add one or choose another backend for this vendor.");
  }

  @Test
  void oneAcceptingParentIsEnoughAndAnUnknownOneOutweighsARefusal() {
    HostSnapshot twoBoards = HostSnapshot.newBuilder()
        .addParents(Inventories.parent("0000:01:00.0", "nvidia", "A10", "550.90.07", "nvidia-231"))
        .addParents(Inventories.parent("0000:02:00.0", "nvidia", "T4", "550.90.07", "nvidia-231"))
        .build();
    ProbeAnswer a = defaults.answer(List.of(ask("nvidia-231", "nvidia-231", "T4", "550.90.07")), twoBoards).get(0);
    assertThat(a.getVerdict()).isEqualTo(YES);
    assertThat(a.getMessage()).contains("0000:02:00.0");

    HostSnapshot refusingThenUnknown = HostSnapshot.newBuilder()
        .addParents(Inventories.parent("0000:01:00.0", "nvidia", "A10", "550.90.07", "nvidia-231"))
        .addParents(Inventories.parent("0000:02:00.0", "nvidia", "T4", "", "nvidia-231"))
        .build();
    a = defaults.answer(List.of(ask("nvidia-231", "nvidia-231", "T4", "550.90.07")), refusingThenUnknown).get(0);
    assertThat(a.getVerdict()).isEqualTo(UNKNOWN);
    assertThat(a.getMessage()).contains("0000:02:00.0", "no driver version");
  }

  private String message(HostSnapshot host, ProbeQuestion q) {
    return defaults.answer(List.of(q), host).get(0).getMessage();
  }
}
