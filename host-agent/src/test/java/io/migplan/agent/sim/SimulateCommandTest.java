package io.migplan.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.agent.cli.AgentCommand;
import io.migplan.proto.v1.HostSnapshot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulateCommandTest {
  @TempDir Path dir;

  @Test
  void aFleetFileTheSimulatorCannotRunIsAUsageErrorNamingHostAndFieldAndNothingIsWritten() throws Exception {
    List<HostSnapshot> hosts = new ArrayList<>(FleetDocuments.scanned(FleetSpec.of(2, 7), dir.resolve("generated")));
    hosts.set(1, hosts.get(1).toBuilder().setHost(hosts.get(1).getHost().toBuilder().setCpus(0)).build());
    Path file = dir.resolve("fleet.json");
    Files.writeString(file, FleetDocuments.json(hosts));
    Path target = dir.resolve("copy");
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AgentCommand());
    cli.setErr(new PrintWriter(err));

    int status = cli.execute("simulate", "--fleet", file.toString(), "--dir", target.toString(), "--scheduler",
        "127.0.0.1:1", "--insecure", "--control-port", "0");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("invalid fleet file (hosts[1].inventory.host.cpus): fleet file " + file
        + ": host host-02: hosts[1].inventory.host.cpus must be in 1..65536, got 0");
    assertThat(Files.exists(target)).isFalse();
  }

  @Test
  void aFleetFileAndASpecTogetherAreRefused() throws Exception {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AgentCommand());
    cli.setErr(new PrintWriter(err));

    int status = cli.execute("simulate", "--fleet", "a.json", "--hosts", "3", "--dir", dir.toString(), "--scheduler",
        "127.0.0.1:1", "--insecure");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("mutually exclusive");
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).isEmpty();
    }
  }
}
