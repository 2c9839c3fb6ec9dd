package io.migplan.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Real programs: how each way a run can end is told apart. */
class BoundedProcessTest {
  private static final Duration LONG = Duration.ofSeconds(20);

  private static BoundedProcess.Outcome sh(String script, Duration timeout, int maxStdout) {
    return BoundedProcess.run(List.of("/bin/sh", "-c", script), "in\n".getBytes(StandardCharsets.UTF_8), timeout,
        maxStdout, 100);
  }

  @Test
  void aProgramThatExitsGivesItsStatusStdinAnsweredAndBothStreams() {
    BoundedProcess.Outcome o = sh("read x; echo \"got $x\"; echo oops >&2; exit 3", LONG, 1000);
    assertThat(o.end()).isEqualTo(BoundedProcess.End.EXITED);
    assertThat(o.exitValue()).isEqualTo(3);
    assertThat(o.exitedZero()).isFalse();
    assertThat(o.stdout()).isEqualTo("got in\n");
    assertThat(o.stderr()).isEqualTo("oops\n");
  }

  @Test
  void outputPastTheBoundIsCutAndSaidSo() {
    BoundedProcess.Outcome o = sh("head -c 5000 /dev/zero | tr '\\0' 'x'", LONG, 100);
    assertThat(o.exitedZero()).isTrue();
    assertThat(o.stdoutOverflowed()).isTrue();
    assertThat(o.stdout()).hasSize(100);
  }

  @Test
  void aProgramPastItsDeadlineIsKilledWithWhatItStarted() {
    BoundedProcess.Outcome o = sh("sleep 600 & echo started; wait", Duration.ofMillis(300), 100);
    assertThat(o.end()).isEqualTo(BoundedProcess.End.TIMED_OUT);
    assertThat(o.stdout()).isEqualTo("started\n");
  }

  @Test
  void aProgramThatCannotStartSaysWhy() {
    BoundedProcess.Outcome o = BoundedProcess.run(List.of("/nonexistent/tool"), new byte[0], LONG, 10, 10);
    assertThat(o.end()).isEqualTo(BoundedProcess.End.NOT_STARTED);
    assertThat(o.startFailure()).startsWith("IOException: Cannot run program \"/nonexistent/tool\"");
    assertThat(BoundedProcess.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(BoundedProcess.format(Duration.ofSeconds(2))).isEqualTo("2s");
  }
}
