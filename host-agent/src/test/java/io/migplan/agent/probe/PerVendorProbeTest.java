package io.migplan.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.migplan.agent.inventory.HostRoot;
import io.migplan.agent.TestTrees;
import io.migplan.agent.config.ProbeBackendChoice;
import io.migplan.agent.config.ProbeSettings;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.proto.v1.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PerVendorProbeTest {
  @TempDir Path root;
  @TempDir Path tools;

  static ProbeQuestion q(String id, String type, String signature) {
    return ProbeQuestion.newBuilder().setId(id).setTargetTypeId(type).setSourceSignature(signature).build();
  }

  static final List<ProbeQuestion> BATCH = List.of(
      q("t4-same", "nvidia-231", VendorTrees.T231),
      q("t4-older", "nvidia-231", "nvidia-231/T4/nvidia-550.54.14"),
      q("mtty-1", "mtty-1", "mtty-1/unknown-board/unknown-driver-unknown"),
      q("igpu", "i915-GVTg_V5_4", "00028086-193b-i915-GVTg_V5_4"),
      q("mtty-2", "mtty-2", "mtty-2/unknown-board/unknown-driver-unknown"),
      q("absent", "nvidia-999", "nvidia-999/T4/nvidia-550.90.07"));

  private ProbeSettings settings(ProbeBackendChoice defaultChoice, Map<String, ProbeBackendChoice> byVendor) {
    return ProbeSettings.DEFAULTS.withDefaultBackend(defaultChoice).withByVendor(byVendor)
        .withCommand(List.of(VendorTrees.compatibleTool(tools).toString()), Duration.ofSeconds(5));
  }

  @Test
  void eachQuestionIsAnsweredByItsVendorsBackend() {
    VendorTrees.build(root);
    HostSnapshot inventory = ProbeTrees.scan(root);
    PerVendorProbe probe = PerVendorProbe.create(
        settings(ProbeBackendChoice.SAME_SIGNATURE,
            Map.of("nvidia", ProbeBackendChoice.RULES, "mtty", ProbeBackendChoice.COMMAND)),
        HostRoot.of(root));

    List<ProbeAnswer> answers = probe.answer(BATCH, inventory);

    assertThat(answers).extracting(ProbeAnswer::getId, ProbeAnswer::getBackend, ProbeAnswer::getVerdict, ProbeAnswer::getCode)
        .containsExactly(
            tuple("t4-same", "RulesProbe", Verdict.VERDICT_COMPATIBLE, ""),
            tuple("t4-older", "RulesProbe", Verdict.VERDICT_COMPATIBLE, ""),
            tuple("mtty-1", "CommandProbe", Verdict.VERDICT_COMPATIBLE, ""),
            tuple("igpu", "SameTypeSignatureProbe", Verdict.VERDICT_COMPATIBLE, ""),
            tuple("mtty-2", "CommandProbe", Verdict.VERDICT_COMPATIBLE, ""),
            tuple("absent", "SameTypeSignatureProbe", Verdict.VERDICT_INCOMPATIBLE, ProbeCodes.NO_SUCH_TYPE));
    assertThat(answers.get(1).getMessage()).contains("550.54.14 -> 550.90.07 (forward, same-major)");
    assertThat(answers.get(2).getMessage()).isEqualTo("vendor tool accepts mtty-1");
  }

  @Test
  void aVendorWithoutAnEntryGetsTheDefault() {
    VendorTrees.build(root);
    HostSnapshot inventory = ProbeTrees.scan(root);
    PerVendorProbe probe = PerVendorProbe.create(
        settings(ProbeBackendChoice.AUTO, Map.of("nvidia", ProbeBackendChoice.RULES)), HostRoot.of(root));

    assertThat(probe.answer(BATCH, inventory)).extracting(ProbeAnswer::getBackend)
        .containsExactly("RulesProbe", "RulesProbe", "SameTypeSignatureProbe", "VersionAttributeProbe",
            "SameTypeSignatureProbe", "SameTypeSignatureProbe");
  }

  @ParameterizedTest(name = "a batch through the {0} backend leaves the tree byte for byte unchanged")
  @EnumSource(ProbeBackendChoice.class)
  void probingNeverChangesTheTree(ProbeBackendChoice choice) {
    VendorTrees.build(root);
    HostSnapshot inventory = ProbeTrees.scan(root);
    Map<String, String> before = TestTrees.contents(root);
    PerVendorProbe probe = PerVendorProbe.create(settings(choice, Map.of()), HostRoot.of(root));

    List<ProbeAnswer> answers = probe.answer(BATCH, inventory);

    assertThat(answers).hasSize(BATCH.size());
    assertThat(TestTrees.contents(root)).isEqualTo(before);
  }

  @Test
  void aBadRulesFileFailsAtCreationEvenIfNoVendorUsesRules() throws Exception {
    Path rules = tools.resolve("rules.yaml");
    Files.writeString(rules, "rules:\n  - name: gpu\n    drivers: [nvidia]\n    sameBoard: maybe\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PerVendorProbe.create(
            ProbeSettings.DEFAULTS.withRulesFile(rules), HostRoot.of(root)))
        .hasMessageContaining("rule 'gpu' (rules[0]), field 'sameBoard'");
  }
}
