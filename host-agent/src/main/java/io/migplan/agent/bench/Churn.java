package io.migplan.agent.bench;

import io.migplan.agent.sim.FleetSimulator.HostStatus;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.SimulationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * VMs moving while a fleet runs, as they do in a real one (live migrations for balance or
 * repairs): what makes agents report in a steady state, so a benchmark can time reports there and
 * not only at the fleet's start.
 *
 * <p>Each step takes a VM at random and moves it to a random other host of the same GPU board
 * (the simulator packs it onto a GPU with room, as a placement service would); a target without
 * room refuses, and the step tries up to {@link #TRIES} targets before counting the step refused.
 * Both hosts of a move re-report at once. Seeded: the same fleet and seed make the same moves in
 * the same order.
 */
final class Churn implements AutoCloseable {
  static final int TRIES = 4;

  private final RunningFleet fleet;
  private final List<String> vms;
  private final Map<String, List<String>> hostsByBoard = new TreeMap<>();
  private final Random random;
  private final AtomicLong moved = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile String firstFailure;
  private ScheduledExecutorService timer;

  Churn(RunningFleet fleet, long seed) {
    this.fleet = fleet;
    this.vms = fleet.vms();
    for (HostStatus h : fleet.listHosts()) {
      hostsByBoard.computeIfAbsent(h.board(), b -> new ArrayList<>()).add(h.host());
    }
    this.random = new Random(seed);
  }

  /** One move: true when a VM moved, false when every target tried refused it. */
  synchronized boolean step() {
    if (vms.isEmpty()) {
      refused.incrementAndGet();
      return false;
    }
    String vm = vms.get(random.nextInt(vms.size()));
    String source = fleet.hostOf(vm).orElseThrow();
    List<String> sameBoard = hostsByBoard.get(fleet.status(source).board());
    for (int i = 0; i < TRIES && sameBoard.size() > 1; i++) {
      String target = sameBoard.get(random.nextInt(sameBoard.size()));
      if (target.equals(source)) {
        continue;
      }
      try {
        fleet.migrateVm(vm, target, "");
        moved.incrementAndGet();
        return true;
      } catch (SimulationException noRoom) {
        // Another target may have room; the count says how often none had.
      }
    }
    refused.incrementAndGet();
    return false;
  }

  /** Steps {@code perSecond} times a second on a thread of its own until closed. */
  synchronized void start(double perSecond) {
    if (!(perSecond > 0) || perSecond > 1_000) {
      throw new IllegalArgumentException("a churn of " + perSecond + " moves a second: give more than 0 and at most 1000");
    }
    if (timer != null) {
      throw new IllegalStateException("the churn already runs");
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bench-churn");
      t.setDaemon(true);
      return t;
    });
    long periodMicros = Math.round(1_000_000 / perSecond);
    timer.scheduleAtFixedRate(this::stepCounted, periodMicros, periodMicros, TimeUnit.MICROSECONDS);
  }

  /** A step on the timer: a step that fails is counted and the next one still runs. */
  private void stepCounted() {
    try {
      step();
    } catch (RuntimeException e) {
      if (failed.getAndIncrement() == 0) {
        firstFailure = e.toString();
      }
    }
  }

  long moved() {
    return moved.get();
  }

  long refused() {
    return refused.get();
  }

  /** What a run prints: moves made and refused, and steps that failed with the first failure. */
  String summary(double seconds) {
    return moved.get() + " moved (" + String.format(java.util.Locale.ROOT, "%.1f", moved.get() / seconds)
        + " per s), " + refused.get() + " refused for want of room on " + TRIES + " targets tried, "
        + failed.get() + " failed" + (firstFailure == null ? "" : " (first: " + firstFailure + ")");
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
