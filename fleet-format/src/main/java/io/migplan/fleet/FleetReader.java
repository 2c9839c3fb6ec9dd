package io.migplan.fleet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.migplan.proto.v1.HostSnapshot;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The fleet document the scheduler exports ({@code GET /api/v1/inventory/export},
 * docs/fleet-format.md), read with bounds: the file's size, the number of hosts, every string's
 * length, the nesting depth and each host's verdicts. The format and version are checked before a
 * host is read; each host's inventory is the protobuf JSON form of {@link HostSnapshot}, read
 * strictly (an unknown field is refused, not skipped) from the parser's tokens straight into the
 * message ({@link ProtobufJsonReader}). A name given twice in one object is refused anywhere in the
 * file. A bad file is refused with an {@link InvalidFleetException} whose sentence names the host
 * and the field.
 *
 * <p>Decides what a well-formed fleet document is, for every reader of one: the simulator
 * ({@code simulate --fleet}) and offline planning ({@code plan --fleet}). Does not decide what the
 * hosts may hold: each reader turns a {@link Host} into its own (a {@link HostReading}, run on every
 * core, which may refuse it) and checks the whole document after (a {@link DocumentReading}).
 */
public final class FleetReader {

  /** The {@code format} this reader reads. */
  public static final String FORMAT = "migplan-fleet";
  /** The newest {@code version} this reader reads; a newer file may mean fields it would misread. */
  public static final int VERSION = 1;
  /** The largest file read: ~37 KB per host of the benchmark fleet (docs/benchmarks.md), {@value #MAX_HOSTS} hosts. */
  public static final long MAX_BYTES = 1024L * 1024 * 1024;
  /** The most hosts a file may list: the format's bound, and the most a simulator runs. */
  public static final int MAX_HOSTS = 10_000;
  /** The longest string anywhere in the file: a type's raw attribute file is the longest there is. */
  public static final int MAX_STRING = 64 * 1024;
  /** Hosts, VMs and parents nest a few levels; anything deeper is not an export. */
  public static final int MAX_DEPTH = 16;
  /** The most verdicts one host may carry (types x source signatures). */
  public static final int MAX_VERDICTS_PER_HOST = 100_000;
  /** Hosts read from the file before their readers' checks run on every core at once. */
  static final int CHUNK = 100;
  /** A host's fields, in the order the export writes them. */
  public static final List<String> HOST_FIELDS = List.of("id", "state", "adminState", "adminReason", "inventory",
      "verdicts");
  /** A verdict's fields, in the order the export writes them. */
  public static final List<String> VERDICT_FIELDS = List.of("parent", "typeId", "sourceSignature", "verdict", "code",
      "message", "backend");

  private final String reader;
  private final String newer;

  /**
   * @param reader who reads, for the version refusal: "this simulator", "this scheduler"
   * @param newer  what to do about a newer version, e.g. "use a simulator as new as the scheduler
   *               that exported it"
   */
  public FleetReader(String reader, String newer) {
    this.reader = reader;
    this.newer = newer;
  }

  /**
   * One exported host as written: its id, liveness and admin state as the scheduler held them
   * (strings, empty when absent), its inventory as its agent reported it and the verdicts valid at
   * its generation.
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

  /** A reader's own form of one host, or its refusal (an {@link InvalidFleetException}); called on any thread. */
  @FunctionalInterface
  public interface HostReading<H> {
    /**
     * @param at  the host's path, e.g. {@code hosts[3]}
     * @param who how a sentence about the host begins, e.g. {@code "host h17: "}
     */
    H read(Host host, String at, String who);
  }

  /** A reader's own form of the whole document, or its refusal; called once, after every host is read. */
  @FunctionalInterface
  public interface DocumentReading<H, D> {
    D read(Instant takenAt, List<H> hosts);
  }

  /**
   * Reads {@code file}; refuses a file larger than {@value #MAX_BYTES} bytes before reading it. A
   * refusal's sentence begins with the file's name.
   */
  public <H, D> D read(Path file, HostReading<H> hosts, DocumentReading<H, D> document) throws IOException {
    long size = Files.size(file);
    if (size > MAX_BYTES) {
      throw new InvalidFleetException("", "fleet file " + file + " is " + size + " bytes, more than the "
          + MAX_BYTES + " a fleet of " + MAX_HOSTS + " hosts needs");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, MAX_BYTES, hosts, document);
    } catch (InvalidFleetException e) {
      throw new InvalidFleetException(e.field(), "fleet file " + file + ": " + e.getMessage());
    }
  }

  /** Reads a document host by host, stopping at the first of {@code maxBytes} bytes too many. */
  public <H, D> D read(InputStream raw, long maxBytes, HostReading<H> reading, DocumentReading<H, D> document)
      throws IOException {
    InputStream in = new Bounded(raw, maxBytes);
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING)
            .maxNestingDepth(MAX_DEPTH).build())
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
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
      List<H> hosts = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "format" -> {
            expect(value == JsonToken.VALUE_STRING, "format", "format must be a string");
            format = p.getText();
          }
          case "version" -> {
            expect(value == JsonToken.VALUE_NUMBER_INT, "version", "version must be a whole number");
            version = p.getIntValue();
          }
          case "takenAt" -> takenAt = instant(value == JsonToken.VALUE_STRING ? p.getText() : null);
          case "hostCount" -> {
            expect(value == JsonToken.VALUE_NUMBER_INT, "hostCount", "hostCount must be a whole number");
            hostCount = p.getLongValue();
            expect(hostCount >= 0 && hostCount <= MAX_HOSTS, "hostCount", "hostCount must be in 0.."
                + MAX_HOSTS + ", got " + hostCount);
          }
          case "hosts" -> {
            checkHeader(format, version);
            expect(value == JsonToken.START_ARRAY, "hosts", "hosts must be a list");
            hosts = new ArrayList<>();
            List<Host> chunk = new ArrayList<>(CHUNK);
            while (p.nextToken() != JsonToken.END_ARRAY) {
              int index = hosts.size() + chunk.size();
              String at = "hosts[" + index + "]";
              expect(index < MAX_HOSTS, "hosts", "the file has more than " + MAX_HOSTS
                  + " hosts, the most a fleet file holds");
              expect(p.currentToken() == JsonToken.START_OBJECT, at, at + " must be an object");
              try {
                chunk.add(host(p, at));
              } catch (InvalidFleetException e) {
                hosts(chunk, hosts.size(), reading); // a refusal of a host before this one comes first
                throw e;
              }
              if (chunk.size() == CHUNK) {
                hosts.addAll(hosts(chunk, hosts.size(), reading));
                chunk.clear();
              }
            }
            hosts.addAll(hosts(chunk, hosts.size(), reading));
          }
          default -> throw new InvalidFleetException(name, "unknown field '" + name + "' (the fields are"
              + " format, version, takenAt, hostCount, hosts)");
        }
      }
      checkHeader(format, version);
      expect(takenAt != null, "takenAt", "takenAt is required: when the export was taken");
      expect(hosts != null, "hosts", "hosts is required");
      expect(hostCount == null || hostCount == hosts.size(), "hostCount", "hostCount says " + hostCount
          + " hosts but the file lists " + hosts.size() + " (a truncated export?)");
      expect(p.nextToken() == null, "", "the file goes on after its JSON object");
      return document.read(takenAt, List.copyOf(hosts));
    } catch (JsonProcessingException e) {
      throw new InvalidFleetException("", "not a fleet document: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr() + ")"));
    }
  }

  private void checkHeader(String format, Integer version) {
    expect(FORMAT.equals(format), "format", "format must be \"" + FORMAT + "\", got "
        + (format == null ? "none" : "\"" + escaped(format) + "\""));
    expect(version != null, "version", "version is required");
    expect(version >= 1 && version <= VERSION, "version", "version " + version + " is not one " + reader
        + " reads (1.." + VERSION + "); " + newer);
  }

  /**
   * What {@code reading} makes of {@code read} (the file's hosts from {@code first} on), on every
   * core: a reader's checks are a large share of the reading. The refusal of the first bad host in
   * the file's order, whichever thread met it.
   */
  private static <H> List<H> hosts(List<Host> read, int first, HostReading<H> reading) {
    Object[] out = new Object[read.size()];
    IntStream.range(0, read.size()).parallel().forEach(i -> {
      try {
        String at = "hosts[" + (first + i) + "]";
        Host host = read.get(i);
        out[i] = reading.read(host, at, who(host.id(), at));
      } catch (InvalidFleetException e) {
        out[i] = e;
      }
    });
    List<H> hosts = new ArrayList<>(out.length);
    for (Object o : out) {
      if (o instanceof InvalidFleetException e) {
        throw e;
      }
      @SuppressWarnings("unchecked")
      H h = (H) o;
      hosts.add(h);
    }
    return hosts;
  }

  private static String who(String id, String at) {
    return "host " + (id.isEmpty() ? at : escaped(id)) + ": ";
  }

  /**
   * The host whose object begins at {@code p}'s current token, read from the tokens as they come.
   * A refusal begins with the host's id, so the export writes it first; a host written with its id
   * later is read as a tree first, to learn the id, and its fields then from the tree.
   */
  private static Host host(JsonParser p, String at) throws IOException {
    int depth = p.getParsingContext().getNestingDepth();
    if (p.nextToken() == JsonToken.FIELD_NAME && p.currentName().equals("id")) {
      try {
        p.nextToken();
        return fields(p, at, string(p, "id", at));
      } catch (InvalidFleetException e) {
        skipRest(p, depth);
        throw e;
      }
    }
    JsonNode node = p.readValueAsTree();
    JsonNode id = node.get("id");
    try (JsonParser tree = node.traverse(p.getCodec())) {
      tree.nextToken();
      return fields(tree, at, id != null && id.isTextual() ? id.textValue() : "");
    }
  }

  /**
   * Reads on to the end of the host whose object is at nesting {@code depth}: a host that is not
   * even JSON, or nests deeper or holds longer strings than any export, is refused as such before
   * what its fields hold is, as when each host was read whole first.
   */
  private static void skipRest(JsonParser p, int depth) throws IOException {
    while (!(p.currentToken() == JsonToken.END_OBJECT && p.getParsingContext().getNestingDepth() == depth - 1)) {
      if (p.nextToken() == null) {
        return;
      }
    }
  }

  /** The rest of a host's fields, from {@code p}'s next token to the host's end. */
  private static Host fields(JsonParser p, String at, String id) throws IOException {
    String who = who(id, at);
    String state = "";
    String adminState = "";
    String adminReason = "";
    HostSnapshot inventory = null;
    List<Verdict> verdicts = List.of();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken value = p.nextToken();
      switch (f) {
        case "id" -> string(p, f, at);
        case "state" -> state = string(p, f, at);
        case "adminState" -> adminState = string(p, f, at);
        case "adminReason" -> adminReason = string(p, f, at);
        case "inventory" -> inventory = inventory(p, value, at, who);
        case "verdicts" -> verdicts = verdicts(p, value, at, who);
        default -> throw new InvalidFleetException(at + "." + f, who + "unknown field '" + escaped(f)
            + "' (the fields are " + String.join(", ", HOST_FIELDS) + ")");
      }
    }
    expect(inventory != null, at + ".inventory", who + "inventory is required: the host's snapshot in protobuf"
        + " JSON form");
    return new Host(id, state, adminState, adminReason, inventory, verdicts);
  }

  private static HostSnapshot inventory(JsonParser p, JsonToken value, String at, String who) throws IOException {
    expect(value == JsonToken.START_OBJECT, at + ".inventory", who + "inventory is required: the host's"
        + " snapshot in protobuf JSON form");
    HostSnapshot.Builder snapshot = HostSnapshot.newBuilder();
    try {
      ProtobufJsonReader.merge(p, "inventory", snapshot);
    } catch (InvalidFleetException e) {
      throw new InvalidFleetException(at + ".inventory", who + "inventory is not a host snapshot: "
          + e.getMessage());
    }
    return snapshot.build();
  }

  private static List<Verdict> verdicts(JsonParser p, JsonToken value, String at, String who) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return List.of();
    }
    expect(value == JsonToken.START_ARRAY, at + ".verdicts", who + "verdicts must be a list");
    List<Verdict> verdicts = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      expect(verdicts.size() < MAX_VERDICTS_PER_HOST, at + ".verdicts", who + "more than "
          + MAX_VERDICTS_PER_HOST + " verdicts");
      verdicts.add(verdict(p, at + ".verdicts[" + verdicts.size() + "]", who));
    }
    return verdicts;
  }

  private static Verdict verdict(JsonParser p, String at, String who) throws IOException {
    expect(p.currentToken() == JsonToken.START_OBJECT, at, who + at + " must be an object");
    String[] values = new String[VERDICT_FIELDS.size()];
    Arrays.fill(values, "");
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      int i = VERDICT_FIELDS.indexOf(f);
      expect(i >= 0, at + "." + f, who + "unknown field '" + escaped(f) + "' in " + at
          + " (the fields are " + String.join(", ", VERDICT_FIELDS) + ")");
      p.nextToken();
      values[i] = string(p, f, at);
    }
    return new Verdict(values[0], values[1], values[2], values[3], values[4], values[5], values[6]);
  }

  /** The string at {@code p}'s current token, empty for null; refused when it is anything else. */
  private static String string(JsonParser p, String field, String at) throws IOException {
    JsonToken v = p.currentToken();
    if (v == JsonToken.VALUE_NULL) {
      return "";
    }
    expect(v == JsonToken.VALUE_STRING, at + "." + field, at + "." + field + " must be a string, got "
        + kind(v));
    return p.getText();
  }

  /** What a JSON value is, in the words of Jackson's node types: NUMBER, BOOLEAN, OBJECT, ARRAY. */
  private static String kind(JsonToken token) {
    return switch (token) {
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "NUMBER";
      case VALUE_TRUE, VALUE_FALSE -> "BOOLEAN";
      case START_OBJECT -> "OBJECT";
      case START_ARRAY -> "ARRAY";
      default -> token.name();
    };
  }

  private static Instant instant(String value) {
    expect(value != null, "takenAt", "takenAt must be a string such as 2026-12-06T07:00:00Z");
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new InvalidFleetException("takenAt", "takenAt must be an instant such as 2026-12-06T07:00:00Z, got '"
          + escaped(value) + "'");
    }
  }

  private static void expect(boolean ok, String field, String message) {
    if (!ok) {
      throw new InvalidFleetException(field, message);
    }
  }

  /**
   * {@code value} fit for one line of a refusal: control characters as {@code \n}, {@code \t} or
   * {@code \\uXXXX}, a backslash doubled, so what a file holds can never forge a log line. The
   * scheduler's {@code error.Texts.escaped} rule; this module cannot depend on the scheduler.
   */
  static String escaped(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\\' -> out.append("\\\\");
        default -> out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return out.toString();
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
