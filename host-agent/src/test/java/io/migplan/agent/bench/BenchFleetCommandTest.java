package io.migplan.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.migplan.agent.FakeScheduler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchFleetCommandTest {

  @TempDir Path dir;

  /**
   * The hold's false STALE marks come from the scheduler's host list: a scheduler that refuses the
   * list for want of a token ends the bench before the fleet starts, instead of an error's fields
   * being counted as hosts.
   */
  @Test
  void aHostListRefusedForItsTokenEndsTheBenchBeforeTheFleetStarts() throws Exception {
    List<String> authorizations = new CopyOnWriteArrayList<>();
    HttpServer server = hostList(401, (query, authorization) -> {
      authorizations.add(authorization);
      return "{\"code\":\"UNAUTHENTICATED\",\"message\":\"a bearer token is needed\"}";
    });
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      int status = printingTo(out, "--hosts", "2", "--seed", "42", "--insecure",
          "--scheduler", "127.0.0.1:1", "--scheduler-http", "http://127.0.0.1:" + server.getAddress().getPort(),
          "--dir", dir.resolve("fleet").toString(), "--token", "stale-token");
      assertThat(status).isEqualTo(1);
    } finally {
      server.stop(0);
    }
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("error: the scheduler refused its host list (HTTP 401")
        .contains("--token or MIGPLAN_TOKEN")
        .doesNotContain("start_s");
    assertThat(authorizations).containsExactly("Bearer stale-token");
  }

  /**
   * Each host shown not UP is judged by what its agent heard: host-01's agent had its report
   * applied a moment before the sample (a false mark), host-03 runs in another process (judged
   * there). The existing lines keep their names; the classes come on lines of their own.
   */
  @Test
  void hostsNotUpAreDividedIntoFalseMarksSimulatorBehindAndOtherProcesses() throws Exception {
    List<String> queries = new CopyOnWriteArrayList<>();
    HttpServer server = hostList(200, (query, authorization) -> {
      queries.add(query);
      // The filter as the scheduler applies it: only hosts in the state asked for.
      List<String> hosts = List.of("{\"id\":\"host-01\",\"state\":\"STALE\"}", "{\"id\":\"host-02\",\"state\":\"UP\"}",
          "{\"id\":\"host-03\",\"state\":\"DOWN\"}");
      return "[" + String.join(",", hosts.stream()
          .filter(h -> !query.startsWith("state=") || h.contains("\"" + query.substring(6) + "\"")).toList()) + "]";
    });
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (FakeScheduler scheduler = new FakeScheduler(0)) {
      int status = printingTo(out, "--hosts", "3", "--seed", "42", "--insecure",
          "--scheduler", scheduler.target(), "--scheduler-http", "http://127.0.0.1:" + server.getAddress().getPort(),
          "--dir", dir.resolve("fleet").toString(), "--first-host", "1", "--last-host", "2", "--hold", "1s",
          "--timeout", "30s");
      assertThat(status).isEqualTo(0);
    } finally {
      server.stop(0);
    }
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("hosts_not_up_at_some_sample: 2\n")
        .contains("hosts_not_up_at_worst_sample: 2\n")
        .contains("false_stale_rule: a host not UP is a false mark when its agent had a beat vouched or a report"
            + " applied before the host list was asked for and within 25 s of its answer (stale-after 30 s less 5 s")
        .contains("false_marks_at_some_sample_worst_sample: 1 / 1\n")
        .contains("simulator_behind_at_some_sample_worst_sample: 0 / 0\n")
        .contains("not_run_here_at_some_sample_worst_sample: 1 / 1 (")
        .containsPattern("sample_not_up: [0-9.]+ s into the hold: 1 false, 0 simulator behind, 1 not run here;"
            + " e\\.g\\. host-01 \\([0-9.]+ s\\), host-03")
        .containsPattern("beat_gap_s_p50_p99_max: [0-9.]+ / [0-9.]+ / [0-9.]+ \\(per agent");
    // The samples ask for the hosts not UP only, never the whole list.
    assertThat(queries).contains("state=STALE", "state=DOWN");
  }

  /**
   * With a churn, VMs move while the fleet runs and their hosts report in the hold, so report
   * latency is measured in the steady state; the tree is written out before the fleet starts and
   * the hold begins after the settle.
   */
  @Test
  void aChurnMakesAgentsReportInTheHoldAfterTheSettle() throws Exception {
    HttpServer server = hostList(200, (query, authorization) -> "[]");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (FakeScheduler scheduler = new FakeScheduler(0)) {
      int status = printingTo(out, "--hosts", "4", "--seed", "42", "--insecure",
          "--scheduler", scheduler.target(), "--scheduler-http", "http://127.0.0.1:" + server.getAddress().getPort(),
          "--dir", dir.resolve("fleet").toString(), "--churn", "40", "--settle", "1s", "--hold", "2s",
          "--timeout", "30s");
      assertThat(status).isEqualTo(0);
    } finally {
      server.stop(0);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed)
        .containsPattern("tree_written_out_s: [0-9.]+\n")
        .contains("settled_s: 1.0\n")
        .containsPattern("churn: [1-9][0-9]* moved \\([0-9.]+ per s\\), [0-9]+ refused for want of room on 4 targets tried, 0 failed\n")
        .containsPattern("steady_reports: [1-9][0-9]* answered")
        .containsPattern("steady_report_ms_p50_p99_max: [0-9.]+ / [0-9.]+ / [0-9.]+");
    assertThat(printed.indexOf("settled_s")).isLessThan(printed.indexOf("hold_s"));
  }

  @Test
  void aNegativeChurnIsRefusedBeforeAnythingRuns() {
    int status = new CommandLine(new BenchFleetCommand()).execute("--hosts", "2", "--insecure",
        "--scheduler", "127.0.0.1:1", "--dir", dir.resolve("fleet").toString(), "--churn", "-1");
    assertThat(status).isEqualTo(2);
    assertThat(dir.resolve("fleet")).doesNotExist();
  }

  @Test
  void aStaleAfterWithinTheStampAllowanceIsRefusedBeforeAnythingRuns() {
    int status = new CommandLine(new BenchFleetCommand()).execute("--hosts", "2", "--insecure",
        "--scheduler", "127.0.0.1:1", "--dir", dir.resolve("fleet").toString(), "--stale-after", "5s");
    assertThat(status).isEqualTo(2);
    assertThat(dir.resolve("fleet")).doesNotExist();
  }

  /** A stand-in for the scheduler's {@code GET /api/v1/hosts}: {@code status} and the body made of the query and Authorization. */
  private static HttpServer hostList(int status, java.util.function.BinaryOperator<String> body) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/hosts", exchange -> {
      byte[] bytes = body.apply(String.valueOf(exchange.getRequestURI().getQuery()),
          String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"))).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    return server;
  }

  /** Runs {@code bench-fleet} with {@code args}, what it prints to standard output going to {@code out}. */
  private static int printingTo(ByteArrayOutputStream out, String... args) {
    PrintStream saved = System.out;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      return new CommandLine(new BenchFleetCommand()).execute(args);
    } finally {
      System.setOut(saved);
    }
  }
}
