package io.migplan.agent.cli;

import com.google.protobuf.util.JsonFormat;
import io.migplan.agent.scan.HostScanner;
import io.migplan.agent.config.AgentConfig;
import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.Problem;
import io.migplan.proto.v1.Vm;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** An operator's look at what the agent would report, without serving or reporting anything. */
@Command(
    name = "scan",
    description = "Print the inventory and problems found under a root.",
    mixinStandardHelpOptions = true)
final class ScanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--root", defaultValue = "/", description = "host root (default: ${DEFAULT-VALUE})")
  Path root;

  @Option(names = "--json", description = "print the snapshot as JSON")
  boolean json;

  @Option(names = "--driver-version", description = "driver version to use in derived signatures")
  String driverVersion;

  @Override
  public Integer call() throws Exception {
    AgentConfig config =
        AgentConfig.builder()
            .hostId("local")
            .release("unknown")
            .root(root)
            .driverVersion(driverVersion)
            .build();
    HostSnapshot snapshot = new HostScanner(config).scan();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(JsonFormat.printer().print(snapshot));
    } else {
      print(snapshot, out);
    }
    out.flush();
    return 0;
  }

  static void print(HostSnapshot s, PrintWriter out) {
    for (ParentDevice p : s.getParentsList()) {
      out.printf(
          "%s  board=%s driver=%s version=%s vendor=%s device=%s%n",
          p.getAddress(), p.getBoard(), p.getDriver(), p.getDriverVersion(), p.getVendorId(), p.getDeviceId());
      for (DeviceType t : p.getTypesList()) {
        out.printf("  %s%n", t.getTypeId());
        out.printf("    Available instances: %d%n", t.getAvailableInstances());
        out.printf("    Device API: %s%n", t.getDeviceApi());
        if (!t.getName().isEmpty()) {
          out.printf("    Name: %s%n", t.getName());
        }
        if (!t.getDescription().isEmpty()) {
          out.printf("    Description: %s%n", t.getDescription().replace("\n", ", "));
        }
        out.printf("    Signature: %s (%s)%n", t.getSignature(), t.getSignatureSource());
      }
    }
    for (DeviceInstance i : s.getInstancesList()) {
      out.printf("mdev %s %s %s%n", i.getUuid(), i.getParentAddress(), i.getTypeId());
    }
    for (Vm vm : s.getVmsList()) {
      out.printf(
          "vm %s vcpus=%d memory=%dMiB devices=%s%n",
          vm.getName(), vm.getVcpus(), vm.getMemoryMib(), String.join(",", vm.getDeviceUuidsList()));
    }
    out.printf("%d problem(s)%n", s.getProblemsCount());
    for (Problem p : s.getProblemsList()) {
      out.printf("problem %s: %s%n", p.getPath(), p.getMessage());
    }
  }
}
