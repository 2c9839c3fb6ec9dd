package io.migplan.agent.sim;

import io.migplan.fleet.FleetReader;
import io.migplan.proto.v1.HostSnapshot;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A fleet exported by the scheduler ({@code GET /api/v1/inventory/export}, docs/fleet-format.md),
 * read by the format's one reader ({@link FleetReader}: bounds, format and version, each host's
 * inventory as a strictly read {@link HostSnapshot}) and then held to what the simulator can run
 * ({@link FleetFileChecks}). A bad file is refused with an {@link InvalidFleetException}
 * whose sentence names the host and the field.
 *
 * <p>Decides what a readable fleet file is. Does not decide how hosts become trees ({@link
 * FleetTrees}).
 *
 * @param takenAt when the scheduler took the export
 * @param hosts   in the file's order (the scheduler writes them by id)
 */
public record FleetFile(Instant takenAt, List<Host> hosts) {

  /** The {@code format} this reader reads. */
  public static final String FORMAT = FleetReader.FORMAT;
  /** The newest {@code version} this reader reads; a newer file may mean fields it would misread. */
  public static final int VERSION = FleetReader.VERSION;
  /** The largest file read: the format's bound. */
  public static final long MAX_BYTES = FleetReader.MAX_BYTES;
  private static final FleetReader READER = new FleetReader("this simulator",
      "use a simulator as new as the scheduler that exported it");

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
  public static final class InvalidFleetException extends io.migplan.fleet.InvalidFleetException {
    public InvalidFleetException(String field, String message) {
      super(field, message);
    }
  }

  /** Reads and checks {@code file}; refuses a file larger than {@value #MAX_BYTES} bytes before reading it. */
  public static FleetFile read(Path file) throws IOException {
    try {
      return READER.read(file, FleetFile::host, FleetFile::checked);
    } catch (io.migplan.fleet.InvalidFleetException e) {
      throw own(e);
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
    try {
      return READER.read(raw, maxBytes, FleetFile::host, FleetFile::checked);
    } catch (io.migplan.fleet.InvalidFleetException e) {
      throw own(e);
    }
  }

  private static Host host(FleetReader.Host h, String at, String who) {
    return new Host(h.id(), h.state(), h.adminState(), h.adminReason(), h.inventory(), h.verdicts().stream()
        .map(v -> new Verdict(v.parent(), v.typeId(), v.sourceSignature(), v.verdict(), v.code(), v.message(),
            v.backend()))
        .toList());
  }

  private static FleetFile checked(Instant takenAt, List<Host> hosts) {
    FleetFile file = new FleetFile(takenAt, hosts);
    FleetFileChecks.check(file);
    return file;
  }

  /** The shared reader's refusal as this reader's, sentence and field unchanged. */
  private static InvalidFleetException own(io.migplan.fleet.InvalidFleetException e) {
    return e instanceof InvalidFleetException own ? own : new InvalidFleetException(e.field(), e.getMessage());
  }

  static void expect(boolean ok, String field, String message) {
    if (!ok) {
      throw new InvalidFleetException(field, message);
    }
  }
}
