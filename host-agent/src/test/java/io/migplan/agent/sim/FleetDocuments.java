package io.migplan.agent.sim;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.migplan.agent.config.AgentConfig;
import io.migplan.agent.scan.HostScanner;
import io.migplan.proto.v1.HostSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Fleet documents for tests, written as the scheduler's export writes them (docs/fleet-format.md). */
final class FleetDocuments {
  private FleetDocuments() {}

  /** The hosts of a generated fleet as their agents read them, without what belongs to one scan. */
  static List<HostSnapshot> scanned(FleetSpec spec, Path dir) throws IOException {
    List<HostSnapshot> out = new ArrayList<>();
    for (FleetGenerator.GeneratedHost g : FleetGenerator.generate(spec, dir)) {
      out.add(FleetTrees.normal(new HostScanner(AgentConfig.load(g.configFile())).scan()));
    }
    return out;
  }

  /** A version-1 document holding {@code hosts}, every one UP and ACTIVE, without verdicts. */
  static String json(List<HostSnapshot> hosts) {
    StringBuilder out = new StringBuilder("{\"format\":\"migplan-fleet\",\"version\":1,"
        + "\"takenAt\":\"2026-12-06T07:00:00Z\",\"hostCount\":" + hosts.size() + ",\"hosts\":[");
    for (int i = 0; i < hosts.size(); i++) {
      out.append(i == 0 ? "" : ",").append(host(hosts.get(i)));
    }
    return out.append("]}").toString();
  }

  static String host(HostSnapshot s) {
    try {
      return "{\"id\":\"" + s.getHost().getId() + "\",\"state\":\"UP\",\"adminState\":\"ACTIVE\",\"adminReason\":\"\","
          + "\"inventory\":" + JsonFormat.printer().omittingInsignificantWhitespace().print(s) + ",\"verdicts\":[]}";
    } catch (InvalidProtocolBufferException e) {
      throw new UncheckedIOException(new IOException(e));
    }
  }
}
