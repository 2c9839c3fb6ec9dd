package io.migplan.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
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
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/hosts", exchange -> {
      authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
      byte[] body = "{\"code\":\"UNAUTHENTICATED\",\"message\":\"a bearer token is needed\"}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(401, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      int status = new CommandLine(new BenchFleetCommand()).execute("--hosts", "2", "--seed", "42", "--insecure",
          "--scheduler", "127.0.0.1:1", "--scheduler-http", "http://127.0.0.1:" + server.getAddress().getPort(),
          "--dir", dir.resolve("fleet").toString(), "--token", "stale-token");
      assertThat(status).isEqualTo(1);
    } finally {
      System.setOut(saved);
      server.stop(0);
    }
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("error: the scheduler refused its host list (HTTP 401")
        .contains("--token or MIGPLAN_TOKEN")
        .doesNotContain("start_s");
    assertThat(authorizations).containsExactly("Bearer stale-token");
  }
}
