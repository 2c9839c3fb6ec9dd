package io.migplan.agent.probe;

import static io.migplan.agent.probe.ProbeTrees.T231_SIGNATURE;
import static io.migplan.agent.probe.ProbeTrees.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.migplan.agent.inventory.HostRoot;
import io.migplan.agent.TestTrees;
import io.migplan.agent.config.ProbeBackendChoice;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.Verdict;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoProbeTest {
  @TempDir Path root;

  @Test
  void versionAttributeWhereTheTypeHasOneElseSignatureComparison() {
    ProbeTrees.build(root);
    HostSnapshot inventory = ProbeTrees.scan(root);
    Map<String, String> before = TestTrees.contents(root);

    List<ProbeAnswer> answers = new AutoProbe(HostRoot.of(root)).answer(List.of(
        q("attr", "i915-GVTg_V5_4", "", "00028086-193b-i915-GVTg_V5_2", ""),
        q("sig", "nvidia-231", "", T231_SIGNATURE, "nvidia-231"),
        q("none", "i915-GVTg_V5_8", "", "i915-GVTg_V5_8/unknown-board/unknown-driver-unknown", "")), inventory);

    assertThat(answers).extracting(ProbeAnswer::getId, ProbeAnswer::getVerdict, ProbeAnswer::getBackend)
        .containsExactly(
            tuple("attr", Verdict.VERDICT_COMPATIBLE, "VersionAttributeProbe"),
            tuple("sig", Verdict.VERDICT_COMPATIBLE, "SameTypeSignatureProbe"),
            tuple("none", Verdict.VERDICT_COMPATIBLE, "SameTypeSignatureProbe"));
    assertThat(TestTrees.contents(root)).isEqualTo(before);
  }

  @Test
  void theConfiguredChoiceSelectsTheBackend() {
    HostRoot r = HostRoot.of(root);
    assertThat(AutoProbe.forChoice(ProbeBackendChoice.AUTO, r)).isInstanceOf(AutoProbe.class);
    assertThat(AutoProbe.forChoice(ProbeBackendChoice.VERSION_ATTRIBUTE, r)).isInstanceOf(VersionAttributeProbe.class);
    assertThat(AutoProbe.forChoice(ProbeBackendChoice.SAME_SIGNATURE, r)).isInstanceOf(SameTypeSignatureProbe.class);
    assertThat(AutoProbe.forChoice(ProbeBackendChoice.RULES, r)).isInstanceOf(RulesProbe.class);
  }
}
