package io.migplan.agent.sim;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.migplan.proto.v1.HostSnapshot;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * A fleet exported by the scheduler ({@code GET /api/v1/inventory/export}, docs/fleet-format.md),
 * read with bounds: the file's size, the number of hosts, every string's length and every list's
 * size. Each host's inventory is the protobuf JSON form of {@link HostSnapshot}, read strictly (an
 * unknown field is refused, not skipped). A bad file is refused with an {@link InvalidFleetException}
 * whose sentence names the host and the field; the checks of what the hosts hold are {@link
 * FleetFileChecks}'.
 *
 * <p>Decides what a readable fleet file is. Does not decide how hosts become trees ({@link
 * FleetTrees}).
 *
 * @param takenAt when the scheduler took the export
 * @param hosts   in the file's order (the scheduler writes them by id)
 */
public record FleetFile(Instant takenAt, List<Host> hosts) {

  /** The {@code format} this reader reads. */
  public static final String FORMAT = "migplan-fleet";
  /** The newest {@code version} this reader reads; a newer file may mean fields it would misread. */
  public static final int VERSION = 1;
  /**
   * Hosts of the benchmark fleet export at ~37 KB each (docs/benchmarks.md): {@value
   * FleetSpec#MAX_HOSTS} of them stay well below this.
   */
  public static final long MAX_BYTES = 1024L * 1024 * 1024;
  /** The longest string anywhere in the file: a type's raw attribute file is the longest there is. */
  static final int MAX_STRING = 64 * 1024;
  /** Hosts, VMs and parents nest a few levels; anything deeper is not an export. */
  static final int MAX_DEPTH = 16;
  /** The most verdicts one host may carry (types x source signatures). */
  static final int MAX_VERDICTS_PER_HOST = 100_000;

  public FleetFile {
    hosts = List.copyOf(hosts);
  }

  /**
   * One exported host: its inventory as its agent reported it (no generation, scan time or
   * endpoint), its liveness and admin state as the scheduler held them, and the verdicts valid at
   * its generation. The simulator starts the inventory; the rest is the scheduler's and is kept
   * for readers that plan offline.
   */
  public record Host(String id, String state, String adminState, String adminReason, HostSnapshot inventory,
      List<Verdict> verdicts) {
    public Host {
      verdicts = List.copyOf(verdicts);
    }
  }

  /** A stored verdict: would {@code typeId} on {@code parent} of the host accept state of {@code sourceSignature}. */
  public record Verdict(String parent, String typeId, String sourceSignature, String verdict, String code,
      String message, String backend) {}

  /** A file that cannot be used: the sentence names the host (when one is at fault) and the field. */
  public static final class InvalidFleetException extends IllegalArgumentException {
    private final String field;

    public InvalidFleetException(String field, String message) {
      super(message);
      this.field = field;
    }

    /** The path of the value at fault, e.g. {@code hosts[3].inventory.vms[0].uuid}. */
    public String field() {
      return field;
    }
  }

  /** Reads and checks {@code file}; refuses a file larger than {@value #MAX_BYTES} bytes before reading it. */
  public static FleetFile read(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_BYTES) {
      throw new InvalidFleetException("", "fleet file " + file + " is " + size + " bytes, more than the "
          + MAX_BYTES + " a fleet of " + FleetSpec.MAX_HOSTS + " hosts needs");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return read(in);
    } catch (InvalidFleetException e) {
      throw new InvalidFleetException(e.field(), "fleet file " + file + ": " + e.getMessage());
    }
  }

  /** {@link #read(InputStream)} of a document held in memory. */
  public static FleetFile parse(String json) {
    try {
      return read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new IllegalStateException("reading memory failed", e);
    }
  }

  /** Reads a document host by host, stopping at the first of {@value #MAX_BYTES} bytes too many. */
  public static FleetFile read(InputStream raw) throws IOException {
    return read(raw, MAX_BYTES);
  }

  /** {@link #read(InputStream)} with another size limit. */
  static FleetFile read(InputStream raw, long maxBytes) throws IOException {
    InputStream in = new Bounded(raw, maxBytes);
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING)
            .maxNestingDepth(MAX_DEPTH).build())
        .build();
    ObjectMapper mapper = new ObjectMapper(factory);
    try (JsonParser p = factory.createParser(in)) {
      p.setCodec(mapper);
      expect(p.nextToken() == JsonToken.START_OBJECT, "", "a fleet file is one JSON object {format, version,"
          + " takenAt, hostCount, hosts}");
      String format = null;
      Integer version = null;
      Instant takenAt = null;
      Long hostCount = null;
      List<Host> hosts = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "format" -> format = text(value == JsonToken.VALUE_STRING ? p.getText() : null, "format");
          case "version" -> {
            expect(value == JsonToken.VALUE_NUMBER_INT, "version", "version must be a whole number");
            version = p.getIntValue();
          }
          case "takenAt" -> takenAt = instant(value == JsonToken.VALUE_STRING ? p.getText() : null);
          case "hostCount" -> {
            expect(value == JsonToken.VALUE_NUMBER_INT, "hostCount", "hostCount must be a whole number");
            hostCount = p.getLongValue();
            expect(hostCount >= 0 && hostCount <= FleetSpec.MAX_HOSTS, "hostCount", "hostCount must be in 0.."
                + FleetSpec.MAX_HOSTS + ", got " + hostCount);
          }
          case "hosts" -> {
            checkHeader(format, version);
            expect(value == JsonToken.START_ARRAY, "hosts", "hosts must be a list");
            hosts = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
              String at = "hosts[" + hosts.size() + "]";
              expect(hosts.size() < FleetSpec.MAX_HOSTS, "hosts", "the file has more than " + FleetSpec.MAX_HOSTS
                  + " hosts, the most a simulator runs");
              expect(p.currentToken() == JsonToken.START_OBJECT, at, at + " must be an object");
              hosts.add(host(p.readValueAsTree(), at));
            }
          }
          default -> throw new InvalidFleetException(name, "unknown field '" + name + "' (the fields are format,"
              + " version, takenAt, hostCount, hosts)");
        }
      }
      checkHeader(format, version);
      expect(takenAt != null, "takenAt", "takenAt is required: when the export was taken");
      expect(hosts != null, "hosts", "hosts is required");
      expect(hostCount == null || hostCount == hosts.size(), "hostCount", "hostCount says " + hostCount
          + " hosts but the file lists " + hosts.size() + " (a truncated export?)");
      expect(p.nextToken() == null, "", "the file goes on after its JSON object");
      FleetFile file = new FleetFile(takenAt, hosts);
      FleetFileChecks.check(file);
      return file;
    } catch (JsonProcessingException e) {
      throw new InvalidFleetException("", "not a fleet document: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr() + ")"));
    }
  }

  private static void checkHeader(String format, Integer version) {
    expect(FORMAT.equals(format), "format", "format must be \"" + FORMAT + "\", got "
        + (format == null ? "none" : "\"" + format + "\""));
    expect(version != null, "version", "version is required");
    expect(version >= 1 && version <= VERSION, "version", "version " + version + " is not one this simulator"
        + " reads (1.." + VERSION + "); use a simulator as new as the scheduler that exported it");
  }

  private static Host host(JsonNode node, String at) {
    String id = string(node, "id", at);
    String who = "host " + (id.isEmpty() ? at : id) + ": ";
    for (var it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      expect(List.of("id", "state", "adminState", "adminReason", "inventory", "verdicts").contains(f), at + "." + f,
          who + "unknown field '" + f + "' (the fields are id, state, adminState, adminReason, inventory, verdicts)");
    }
    JsonNode inventory = node.get("inventory");
    expect(inventory != null && inventory.isObject(), at + ".inventory", who + "inventory is required: the"
        + " host's snapshot in protobuf JSON form");
    HostSnapshot.Builder snapshot = HostSnapshot.newBuilder();
    try {
      JsonFormat.parser().merge(inventory.toString(), snapshot);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidFleetException(at + ".inventory", who + "inventory is not a host snapshot: " + e.getMessage());
    }
    List<Verdict> verdicts = new ArrayList<>();
    JsonNode list = node.get("verdicts");
    if (list != null && !list.isNull()) {
      expect(list.isArray(), at + ".verdicts", who + "verdicts must be a list");
      expect(list.size() <= MAX_VERDICTS_PER_HOST, at + ".verdicts", who + "more than " + MAX_VERDICTS_PER_HOST
          + " verdicts");
      for (int i = 0; i < list.size(); i++) {
        JsonNode v = list.get(i);
        String vat = at + ".verdicts[" + i + "]";
        expect(v.isObject(), vat, who + vat + " must be an object");
        verdicts.add(new Verdict(string(v, "parent", vat), string(v, "typeId", vat), string(v, "sourceSignature", vat),
            string(v, "verdict", vat), string(v, "code", vat), string(v, "message", vat), string(v, "backend", vat)));
      }
    }
    return new Host(id, string(node, "state", at), string(node, "adminState", at), string(node, "adminReason", at),
        snapshot.build(), verdicts);
  }

  /** A string field, empty when absent; refused when present and not a string. */
  private static String string(JsonNode node, String field, String at) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return "";
    }
    expect(v.isTextual(), at + "." + field, at + "." + field + " must be a string, got " + v.getNodeType());
    return v.textValue();
  }

  private static String text(String value, String field) {
    expect(value != null, field, field + " must be a string");
    return value;
  }

  private static Instant instant(String value) {
    expect(value != null, "takenAt", "takenAt must be a string such as 2026-12-06T07:00:00Z");
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new InvalidFleetException("takenAt", "takenAt must be an instant such as 2026-12-06T07:00:00Z, got '"
          + value + "'");
    }
  }

  static void expect(boolean ok, String field, String message) {
    if (!ok) {
      throw new InvalidFleetException(field, message);
    }
  }

  /** Stops reading at the limit, so a file that grows while read cannot pass the size check. */
  private static final class Bounded extends FilterInputStream {
    private final long limit;
    private long left;

    Bounded(InputStream in, long limit) {
      super(in);
      this.limit = limit;
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count(b < 0 ? 0 : 1);
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      count(Math.max(n, 0));
      return n;
    }

    private void count(int n) {
      left -= n;
      if (left < 0) {
        throw new InvalidFleetException("", "the fleet file is larger than " + limit + " bytes");
      }
    }
  }
}
