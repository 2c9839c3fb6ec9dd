package io.migplan.agent.probe;

import static io.migplan.agent.probe.ProbeTrees.IGPU;
import static io.migplan.agent.probe.ProbeTrees.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.migplan.agent.inventory.HostRoot;
import io.migplan.agent.TestTrees;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionAttributeProbeTest {
  @TempDir Path root;
  HostSnapshot inventory;
  VersionAttributeProbe probe;

  @BeforeEach
  void tree() {
    ProbeTrees.build(root);
    inventory = ProbeTrees.scan(root);
    probe = new VersionAttributeProbe(HostRoot.of(root));
  }

  @Test
  void everyVerdictAndCodeInQuestionOrderWithIdsEchoed() {
    List<ProbeAnswer> answers = probe.answer(List.of(
        q("own", "i915-GVTg_V5_4", "", "00028086-193b-i915-GVTg_V5_4", "i915-GVTg_V5_4"),
        q("listed", "i915-GVTg_V5_4", IGPU, "00028086-193b-i915-GVTg_V5_2", "i915-GVTg_V5_2"),
        q("rejected", "i915-GVTg_V5_4", "", "00028086-193b-i915-GVTg_V5_1", "i915-GVTg_V5_1"),
        q("no-attr", "i915-GVTg_V5_8", "", "anything", ""),
        q("absent", "nvidia-999", "", "anything", ""),
        q("elsewhere", "i915-GVTg_V5_4", "0000:3b:00.0", "00028086-193b-i915-GVTg_V5_4", ""),
        q("fault", "i915-GVTg_V5_2", "", "00028086-193b-i915-GVTg_V5_2", "")), inventory);

    assertThat(answers).extracting(ProbeAnswer::getId, ProbeAnswer::getVerdict, ProbeAnswer::getCode)
        .containsExactly(
            tuple("own", Verdict.VERDICT_COMPATIBLE, ""),
            tuple("listed", Verdict.VERDICT_COMPATIBLE, ""),
            tuple("rejected", Verdict.VERDICT_INCOMPATIBLE, ProbeCodes.VERSION_REJECTED),
            tuple("no-attr", Verdict.VERDICT_INCOMPATIBLE, ProbeCodes.NOT_MIGRATABLE),
            tuple("absent", Verdict.VERDICT_INCOMPATIBLE, ProbeCodes.NO_SUCH_TYPE),
            tuple("elsewhere", Verdict.VERDICT_INCOMPATIBLE, ProbeCodes.NO_SUCH_TYPE),
            tuple("fault", Verdict.VERDICT_UNKNOWN, ProbeCodes.PROBE_ERROR));
    assertThat(answers).extracting(ProbeAnswer::getBackend).containsOnly("VersionAttributeProbe");
    assertThat(answers.get(3).getMessage())
        .isEqualTo("type i915-GVTg_V5_8 on parent 0000:00:02.0 has no version attribute: not live-migratable.");
    assertThat(answers.get(2).getMessage()).contains("i915-GVTg_V5_4", IGPU, "00028086-193b-i915-GVTg_V5_1");
    assertThat(answers.get(6).getMessage()).contains("i915-GVTg_V5_2", "migration_version");
  }

  @Test
  void probingNeverChangesTheTree() {
    Map<String, String> before = TestTrees.contents(root);

    probe.answer(List.of(
        q("a", "i915-GVTg_V5_4", "", "00028086-193b-i915-GVTg_V5_4", ""),
        q("b", "i915-GVTg_V5_4", "", "nope", ""),
        q("c", "i915-GVTg_V5_8", "", "nope", ""),
        q("d", "i915-GVTg_V5_2", "", "nope", ""),
        q("e", "nvidia-231", "", ProbeTrees.T231_SIGNATURE, "")), inventory);

    assertThat(TestTrees.contents(root)).isEqualTo(before);
  }

  @Test
  void onlyEinvalFromTheKernelMeansRejected() {
    assertThat(VersionAttributeProbe.isRejection(new IOException("Invalid argument"))).isTrue();
    assertThat(VersionAttributeProbe.isRejection(new IOException("Permission denied"))).isFalse();
    assertThat(VersionAttributeProbe.isRejection(new IOException())).isFalse();
  }
}
