package io.migplan.agent.probe;

import static io.migplan.agent.probe.ProbeTrees.T231_SIGNATURE;
import static io.migplan.agent.probe.ProbeTrees.T4_B;
import static io.migplan.agent.probe.ProbeTrees.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.migplan.agent.TestTrees;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.Verdict;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SameTypeSignatureProbeTest {
  @TempDir Path root;

  @Test
  void compatibleOnlyForTheSameTypeWithAnEqualSignature() {
    ProbeTrees.build(root);
    HostSnapshot inventory = ProbeTrees.scan(root);
    Map<String, String> before = TestTrees.contents(root);

    List<ProbeAnswer> answers = new SameTypeSignatureProbe().answer(List.of(
        q("same", "nvidia-231", "", T231_SIGNATURE, "nvidia-231"),
        q("on-parent", "nvidia-231", T4_B, T231_SIGNATURE, ""),
        q("absent", "nvidia-222", "", "nvidia-222/T4/nvidia-550.90.07", "nvidia-222"),
        q("wrong-parent", "nvidia-231", "0000:00:02.0", T231_SIGNATURE, ""),
        q("other-type", "nvidia-231", "", "nvidia-232/T4/nvidia-550.90.07", "nvidia-232"),
        q("older-driver", "nvidia-231", "", "nvidia-231/T4/nvidia-535.54.03", "nvidia-231")), inventory);

    assertThat(answers).extracting(ProbeAnswer::getId, ProbeAnswer::getVerdict, ProbeAnswer::getCode)
        .containsExactly(
            tuple("same", Verdict.VERDICT_COMPATIBLE, ""),
            tuple("on-parent", Verdict.VERDICT_COMPATIBLE, ""),
            tuple("absent", Verdict.VERDICT_INCOMPATIBLE, ProbeCodes.NO_SUCH_TYPE),
            tuple("wrong-parent", Verdict.VERDICT_INCOMPATIBLE, ProbeCodes.NO_SUCH_TYPE),
            tuple("other-type", Verdict.VERDICT_INCOMPATIBLE, ProbeCodes.TYPE_MISMATCH),
            tuple("older-driver", Verdict.VERDICT_INCOMPATIBLE, ProbeCodes.SIGNATURE_MISMATCH));
    assertThat(answers).extracting(ProbeAnswer::getBackend).containsOnly("SameTypeSignatureProbe");
    assertThat(answers.get(1).getMessage()).contains(T4_B);
    assertThat(answers.get(5).getMessage())
        .isEqualTo("type nvidia-231 on parent 0000:3b:00.0 has signature 'nvidia-231/T4/nvidia-550.90.07'"
            + " but the source's is 'nvidia-231/T4/nvidia-535.54.03'.");
    assertThat(TestTrees.contents(root)).isEqualTo(before);
  }
}
