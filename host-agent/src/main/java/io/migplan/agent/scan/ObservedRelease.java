package io.migplan.agent.scan;

import io.migplan.agent.config.InvalidConfigException;
import io.migplan.agent.inventory.Problems;
import io.migplan.proto.v1.Problem;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The host's release as the agent last observed it from its {@link ReleaseSource}, re-read at
 * every scan and, for a file, checked between scans ({@link #changed()}).
 *
 * <p>Decides what a failed read means. A campaign completes a host when it reports the campaign's
 * target release, so a release must never be guessed or left empty: when a read fails, the last
 * value read successfully is reported again, with a problem (source HOST) naming the file or
 * command, why it failed and since when the value is old. That value was positive evidence when
 * it was read; keeping it neither completes an upgrade that was not observed (a host being
 * upgraded keeps its old release until the new one is read) nor drops the host from placement.
 * Before any successful read there is no value to keep: {@link #require()} fails, and the agent
 * refuses to start (or a reload to take effect) rather than report a host without a release.
 */
public final class ObservedRelease {
  private final ReleaseSource source;
  private final LongSupplier clock;
  // Guarded by this: scans (the reporter's thread) and the watch (another) both read.
  private String lastGood;
  private long lastGoodAtMs;
  private String lastFailure;
  // What the watch (changed()) last saw: apart from scans, so a scan in between hides no change.
  private Object watchedStamp;
  private Observation watched;

  public ObservedRelease(ReleaseSource source) {
    this(source, System::currentTimeMillis);
  }

  ObservedRelease(ReleaseSource source, LongSupplier clock) {
    this.source = source;
    this.clock = clock;
  }

  public ReleaseSource source() {
    return source;
  }

  /** What a scan reports: the release, and a problem when it is not freshly read. */
  public record Observation(String release, Optional<Problem> problem) {}

  /** Reads the source now; on failure the last good value with a problem, or "" and a problem before any. */
  public synchronized Observation observe() {
    ReleaseSource.Reading r = source.read();
    if (r.ok()) {
      lastGood = r.release();
      lastGoodAtMs = clock.getAsLong();
      lastFailure = null;
      return new Observation(lastGood, Optional.empty());
    }
    lastFailure = r.failure();
    String fix = " Fix " + source.key() + " or what it points at; the agent reads it again at every scan.";
    if (lastGood == null) {
      return new Observation("", Optional.of(Problems.host(source.where(),
          "The release is unknown: " + r.failure() + "; no release has been read yet." + fix)));
    }
    return new Observation(lastGood, Optional.of(Problems.host(source.where(),
        "The release could not be read: " + r.failure() + "; still reporting " + lastGood
            + ", the last release read (at " + Instant.ofEpochMilli(lastGoodAtMs) + "), so no upgrade is"
            + " seen until a new one is read." + fix)));
  }

  /**
   * Reads the source and returns the release, or fails naming the config key when none can be
   * read: what the agent checks before it reports anything.
   */
  public synchronized String require() {
    Object stamp = source.stamp().orElse(null);
    Observation o = observe();
    if (lastFailure != null && lastGood == null) {
      throw InvalidConfigException.of(source.key(), "no release could be read: " + lastFailure);
    }
    watchedStamp = stamp;
    watched = o;
    return o.release();
  }

  /**
   * Whether the source now reads otherwise than at the last call (or {@link #require()}): for a
   * file, its stamp changed and a read gives another release or another failure. Scans in between
   * do not count, so none hides a change from the watch. Costs a stat when nothing changed; always
   * false for a source without a stamp (a command runs only at scans).
   */
  public synchronized boolean changed() {
    Optional<Object> stamp = source.stamp();
    if (stamp.isEmpty() || Objects.equals(stamp.get(), watchedStamp)) {
      return false;
    }
    watchedStamp = stamp.get();
    Observation before = watched;
    watched = observe();
    return !watched.equals(before);
  }

  /** The last release read successfully, if any. */
  public synchronized Optional<String> lastGood() {
    return Optional.ofNullable(lastGood);
  }
}
