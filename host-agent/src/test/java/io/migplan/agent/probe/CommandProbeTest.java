package io.migplan.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.migplan.agent.TestTrees;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.proto.v1.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CommandProbeTest {
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  @TempDir Path dir;
  final HostSnapshot host = Inventories.mixedHost();

  static ProbeQuestion q(String id, String type, String signature) {
    return ProbeQuestion.newBuilder().setId(id).setTargetTypeId(type).setSourceSignature(signature).build();
  }

  static final ProbeQuestion T4 = q("q1", "nvidia-231", "nvidia-231/T4/nvidia-550.90.07");

  static Stream<Arguments> tools() {
    String each = CommandScripts.EACH_QUESTION;
    return Stream.of(
        Arguments.of("a tool that says compatible makes the answer compatible",
            each.formatted("printf '{\"id\":\"%s\",\"verdict\":\"COMPATIBLE\",\"message\":\"NVML: LIVE for %s\"}\\n' \"$id\" \"$id\""),
            Verdict.VERDICT_COMPATIBLE, "", "NVML: LIVE for q1"),
        Arguments.of("a tool that says incompatible passes its code on",
            each.formatted("printf '{\"id\":\"%s\",\"verdict\":\"INCOMPATIBLE\",\"code\":\"HOST_DRIVER\",\"message\":\"host driver too old\"}\\n' \"$id\""),
            Verdict.VERDICT_INCOMPATIBLE, "HOST_DRIVER", "host driver too old"),
        Arguments.of("an incompatible answer without a code reads VENDOR_REJECTED",
            each.formatted("printf '{\"id\":\"%s\",\"verdict\":\"INCOMPATIBLE\"}\\n' \"$id\""),
            Verdict.VERDICT_INCOMPATIBLE, ProbeCodes.VENDOR_REJECTED, "said so for type nvidia-231"),
        Arguments.of("a tool that says unknown makes the answer unknown",
            each.formatted("printf '{\"id\":\"%s\",\"verdict\":\"UNKNOWN\",\"message\":\"no metadata\"}\\n' \"$id\""),
            Verdict.VERDICT_UNKNOWN, ProbeCodes.PROBE_ERROR, "no metadata"),
        Arguments.of("output that is not JSON is unknown",
            "cat >/dev/null; echo 'garbage out'\n",
            Verdict.VERDICT_UNKNOWN, ProbeCodes.PROBE_ERROR,
            "broke the protocol: output line 1 'garbage out' is not JSON (type nvidia-231)."),
        Arguments.of("a verdict outside the three is unknown",
            each.formatted("printf '{\"id\":\"%s\",\"verdict\":\"MAYBE\"}\\n' \"$id\""),
            Verdict.VERDICT_UNKNOWN, ProbeCodes.PROBE_ERROR, "has verdict 'MAYBE'"),
        Arguments.of("an answer to a question not asked is unknown",
            "cat >/dev/null; echo '{\"id\":\"q9\",\"verdict\":\"COMPATIBLE\"}'\n",
            Verdict.VERDICT_UNKNOWN, ProbeCodes.PROBE_ERROR, "answers id 'q9', which was not asked"),
        Arguments.of("a non-zero exit is unknown and quotes stderr",
            "cat >/dev/null; echo '{\"id\":\"q1\",\"verdict\":\"COMPATIBLE\"}'; echo 'nvml: driver not loaded' >&2; exit 3\n",
            Verdict.VERDICT_UNKNOWN, ProbeCodes.PROBE_ERROR, "exited with status 3; stderr: nvml: driver not loaded"),
        Arguments.of("a tool that answers nothing leaves the question unknown",
            "cat >/dev/null\n",
            Verdict.VERDICT_UNKNOWN, ProbeCodes.PROBE_ERROR, "gave no answer for question q1 (type nvidia-231)."),
        Arguments.of("a lone question may be answered without an id",
            "cat >/dev/null; echo '{\"verdict\":\"COMPATIBLE\",\"message\":\"fine\"}'\n",
            Verdict.VERDICT_COMPATIBLE, "", "fine"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tools")
  void theToolsVerdict(String sentence, String script, Verdict verdict, String code, String message) {
    Path tool = CommandScripts.write(dir, "tool", script);
    ProbeAnswer a = new CommandProbe(List.of(tool.toString()), TIMEOUT).answer(List.of(T4), host).get(0);
    assertThat(a.getVerdict()).as(a.getMessage()).isEqualTo(verdict);
    assertThat(a.getCode()).isEqualTo(code);
    assertThat(a.getMessage()).contains(message);
    assertThat(a.getId()).isEqualTo("q1");
    assertThat(a.getBackend()).isEqualTo("CommandProbe");
  }

  @Test
  void aProgramThatCannotStartIsUnknown() {
    ProbeAnswer a = new CommandProbe(List.of(dir.resolve("missing").toString()), TIMEOUT)
        .answer(List.of(T4), host).get(0);
    assertThat(a.getVerdict()).isEqualTo(Verdict.VERDICT_UNKNOWN);
    assertThat(a.getMessage()).contains("could not be started");
  }

  @Test
  void aToolPastItsTimeoutIsKilledWithItsChildrenAndTheAnswerIsUnknown() throws Exception {
    Path pids = dir.resolve("pids");
    Path tool = CommandScripts.write(dir, "slow",
        "echo $$ > " + pids + "\nsleep 30 &\necho $! >> " + pids + "\nwait\n");
    long start = System.nanoTime();
    // Long enough for bash to start and fork on a loaded machine before the kill.
    ProbeAnswer a = new CommandProbe(List.of(tool.toString()), Duration.ofSeconds(2))
        .answer(List.of(T4), host).get(0);
    long tookMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(a.getVerdict()).isEqualTo(Verdict.VERDICT_UNKNOWN);
    assertThat(a.getCode()).isEqualTo(ProbeCodes.PROBE_TIMEOUT);
    assertThat(a.getMessage()).contains("command " + tool + " timed out after 2s and was killed");
    assertThat(tookMillis).isBetween(2_000L, 10_000L);
    List<String> lines = Files.readAllLines(pids);
    assertThat(lines).hasSize(2);
    for (String pid : lines) {
      // SIGKILL is sent to the tool's children without waiting for them; on a loaded machine
      // they may take a moment to die.
      await("process " + pid + " to stop").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
          .untilAsserted(() -> assertThat(running(pid.strip())).as("process " + pid + " still runs").isFalse());
    }
  }

  /** Gone, or a zombie waiting for init to reap it: either way it runs no more. */
  private static boolean running(String pid) throws Exception {
    Path stat = Path.of("/proc", pid, "stat");
    if (!Files.exists(stat)) {
      return false;
    }
    String text;
    try {
      text = Files.readString(stat);
    } catch (java.io.IOException e) {
      return false;
    }
    // The state follows the command name, which is in parentheses: "123 (sleep) S ...".
    char state = text.substring(text.lastIndexOf(')') + 2).charAt(0);
    return state != 'Z' && state != 'X';
  }

  @Test
  void oneProcessAnswersTheWholeBatchFromJsonLinesWithTheTargetsFacts() throws Exception {
    Path input = dir.resolve("in.jsonl");
    Path runs = dir.resolve("runs");
    Path tool = CommandScripts.write(dir, "tool",
        "echo run >> " + runs + "\ntee " + input + " | "
            + "while IFS= read -r line; do id=${line#*\\\"id\\\":\\\"}; id=${id%%\\\"*};"
            + " printf '{\"id\":\"%s\",\"verdict\":\"COMPATIBLE\"}\\n' \"$id\"; done\n");
    List<ProbeQuestion> batch = List.of(
        T4,
        q("q2", "nvidia-999", "nvidia-999/T4/nvidia-550.90.07"),
        q("q3", "mtty-2", "mtty-2/unknown-board/mtty-unknown").toBuilder().setSourceRelease("2025.1").build());

    List<ProbeAnswer> answers = new CommandProbe(List.of(tool.toString()), TIMEOUT).answer(batch, host);

    assertThat(answers).extracting(ProbeAnswer::getId, ProbeAnswer::getVerdict, ProbeAnswer::getCode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("q1", Verdict.VERDICT_COMPATIBLE, ""),
            org.assertj.core.groups.Tuple.tuple("q2", Verdict.VERDICT_INCOMPATIBLE, ProbeCodes.NO_SUCH_TYPE),
            org.assertj.core.groups.Tuple.tuple("q3", Verdict.VERDICT_COMPATIBLE, ""));
    assertThat(Files.readAllLines(runs)).containsExactly("run");
    List<String> lines = Files.readAllLines(input);
    assertThat(lines).hasSize(2);
    ObjectMapper json = new ObjectMapper();
    JsonNode first = json.readTree(lines.get(0));
    assertThat(first.get("id").asText()).isEqualTo("q1");
    assertThat(first.get("targetTypeId").asText()).isEqualTo("nvidia-231");
    assertThat(first.get("sourceSignature").asText()).isEqualTo("nvidia-231/T4/nvidia-550.90.07");
    assertThat(first.get("sourceTypeId").asText()).isEqualTo("nvidia-231");
    assertThat(first.get("sourceBoard").asText()).isEqualTo("T4");
    assertThat(first.get("sourceDriver").asText()).isEqualTo("nvidia");
    assertThat(first.get("sourceDriverVersion").asText()).isEqualTo("550.90.07");
    JsonNode target = first.get("targets").get(0);
    assertThat(target.get("parent").asText()).isEqualTo(Inventories.T4);
    assertThat(target.get("typeId").asText()).isEqualTo("nvidia-231");
    assertThat(target.get("board").asText()).isEqualTo("T4");
    assertThat(target.get("driver").asText()).isEqualTo("nvidia");
    assertThat(target.get("driverVersion").asText()).isEqualTo("550.90.07");
    assertThat(target.get("signature").asText()).isEqualTo("nvidia-231/T4/nvidia-550.90.07");
    assertThat(target.get("signatureSource").asText()).isEqualTo("SIGNATURE_SOURCE_DERIVED");
    JsonNode second = json.readTree(lines.get(1));
    assertThat(second.get("id").asText()).isEqualTo("q3");
    assertThat(second.get("sourceRelease").asText()).isEqualTo("2025.1");
    assertThat(second.get("sourceBoard").asText()).isEmpty();
    assertThat(second.get("targets").get(0).get("parent").asText()).isEqualTo("mtty");
  }

  @Test
  void aBatchOfOnlyAbsentTypesRunsNothing() {
    Path runs = dir.resolve("runs");
    Path tool = CommandScripts.write(dir, "tool", "echo run >> " + runs + "\n");
    ProbeAnswer a = new CommandProbe(List.of(tool.toString()), TIMEOUT)
        .answer(List.of(q("q1", "nvidia-999", "x")), host).get(0);
    assertThat(a.getCode()).isEqualTo(ProbeCodes.NO_SUCH_TYPE);
    assertThat(runs).doesNotExist();
    TestTrees.write(runs, "");
  }
}
