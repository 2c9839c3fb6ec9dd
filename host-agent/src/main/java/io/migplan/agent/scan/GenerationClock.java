package io.migplan.agent.scan;

import java.util.function.LongSupplier;

/**
 * Hands out snapshot generations that only grow: {@code max(last + 1, now in ms)}. Using the wall
 * clock as a floor means a restarted agent (whose counter starts over) still reports a newer
 * generation than anything it sent before, without persisting state on the host.
 */
public final class GenerationClock {
  private final LongSupplier clock;
  private long last;

  public GenerationClock() {
    this(System::currentTimeMillis);
  }

  public GenerationClock(LongSupplier clock) {
    this.clock = clock;
  }

  public synchronized long next() {
    last = Math.max(last + 1, clock.getAsLong());
    return last;
  }

  /** The next generation will be greater than {@code floor}. */
  public synchronized void advancePast(long floor) {
    last = Math.max(last, floor);
  }
}
