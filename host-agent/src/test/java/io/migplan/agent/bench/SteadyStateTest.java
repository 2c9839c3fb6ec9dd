package io.migplan.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SteadyStateTest {

  @Test
  void callsAreCountedOnlyWhileMeasuringAndPrintedAsQuantiles() throws Exception {
    SteadyState s = new SteadyState();
    s.answered("heartbeat", 99_000_000); // before the hold: not counted
    s.failed("heartbeat", "UNAVAILABLE");
    s.start(null, null);
    for (int i = 1; i <= 100; i++) {
      s.answered("heartbeat", i * 1_000_000L);
    }
    s.answered("report", 7_000_000);
    s.failed("heartbeat", "DEADLINE_EXCEEDED");
    s.failed("heartbeat", "DEADLINE_EXCEEDED");
    s.failed("heartbeat", "UNAVAILABLE");
    String out = printed(s);
    assertThat(out).contains("steady_heartbeats: 100 answered");
    assertThat(out).contains("steady_heartbeat_ms_p50_p99_max: 50.0 / 99.0 / 100.0");
    assertThat(out).contains("steady_report_ms_p50_p99_max: 7.0 / 7.0 / 7.0");
    assertThat(out).contains("steady_heartbeats_failed: 3 (DEADLINE_EXCEEDED 2, UNAVAILABLE 1)\n");
    assertThat(out).contains("steady_reports_failed: 0\n");
    assertThat(out).contains("steady_simulator_cpu_share_of_one_core: ");
    assertThat(out).doesNotContain("steady_scheduler_cpu");
  }

  @Test
  void aProcessCpuTimeIsReadFromProcAndAGoneProcessHasNone() throws Exception {
    long spin = System.nanoTime();
    while (System.nanoTime() - spin < 200_000_000L) {
      Math.sqrt(spin);
    }
    assertThat(SteadyState.ticks(ProcessHandle.current().pid())).isGreaterThan(0);
    assertThat(SteadyState.ticks(Integer.MAX_VALUE)).isZero();
  }

  private static String printed(SteadyState s) throws Exception {
    PrintStream was = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      s.print();
    } finally {
      System.setOut(was);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
