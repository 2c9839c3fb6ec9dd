package io.migplan.agent.probe;

import io.migplan.proto.v1.HostSnapshot;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The inventory probes answer from: the agent's last scan while it is younger than a maximum age,
 * else a fresh scan (one at a time, however many batches arrive together).
 *
 * <p>Why not rescan on every batch: the scheduler's knowledge of this host is the last scan the
 * agent reported, and it probes because of that report, so answering from that scan keeps
 * answers consistent with what the scheduler asks about; a full rescan per batch costs far more
 * than answering it (see the bench-probe command). What a probe needs from the scan (type ids,
 * boards, driver versions, signatures) changes only when a driver is reloaded; free capacity is
 * not part of a verdict, and the version-attribute backend reads the attribute file itself at
 * answer time. The age bound covers agents that do not report (and so do not rescan on a timer).
 *
 * <p>It does not decide when the agent scans otherwise.
 */
public final class ProbeInventory implements Supplier<HostSnapshot> {
  private final Supplier<HostSnapshot> lastScan;
  private final Supplier<HostSnapshot> rescan;
  private final long maxAgeMillis;
  private final LongSupplier wallClockMillis;

  public ProbeInventory(
      Supplier<HostSnapshot> lastScan, Supplier<HostSnapshot> rescan, Duration maxAge, LongSupplier wallClockMillis) {
    this.lastScan = lastScan;
    this.rescan = rescan;
    this.maxAgeMillis = maxAge.toMillis();
    this.wallClockMillis = wallClockMillis;
  }

  @Override
  public HostSnapshot get() {
    HostSnapshot s = lastScan.get();
    if (fresh(s)) {
      return s;
    }
    synchronized (this) {
      // Another batch may have rescanned while this one waited.
      s = lastScan.get();
      return fresh(s) ? s : rescan.get();
    }
  }

  private boolean fresh(HostSnapshot s) {
    long age = wallClockMillis.getAsLong() - s.getScannedAtUnixMs();
    // A negative age means the wall clock went back: the scan's age is unknown, so rescan.
    return age >= 0 && age < maxAgeMillis;
  }
}
