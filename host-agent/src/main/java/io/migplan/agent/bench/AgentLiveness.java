package io.migplan.agent.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What each agent of this process last heard from the scheduler, so that a host the scheduler
 * shows not {@code UP} can be judged: a <em>false</em> mark when its agent had a beat vouched or
 * a report applied recently enough that no sweep could have found its heartbeat older than
 * stale-after, or <em>simulator behind</em> when the agent itself had not kept its schedule (the
 * scheduler was right). Also measures whether agents kept their beat schedule: per agent, the
 * largest gap between consecutive answered heartbeats.
 *
 * <p>The window is stale-after less an allowance: the scheduler stamps a beat when it writes it,
 * which is before the agent hears the answer by at most the call's deadline (5 s), so an answer
 * heard within stale-after less that deadline of the sample proves a stamp within stale-after.
 * It holds one entry per host run here (a fixed set, given at construction).
 */
final class AgentLiveness {

  /** How the hosts not UP at one sample divide. */
  record Classes(Set<String> falseMarks, Set<String> simulatorBehind, Set<String> notRunHere) {}

  /** Per agent, the largest gap between answered heartbeats, over agents (seconds). */
  record Lag(double p50, double p99, double max) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%.1f / %.1f / %.1f", p50, p99, max);
    }
  }

  private static final long NEVER = Long.MIN_VALUE;

  /** One agent's times (System.nanoTime); written from its reporter's thread, read at samples. */
  private static final class Pulse {
    /** The last two vouched times: a sample needs the last one before its request was sent. */
    private long lastVouched = NEVER;
    private long vouchedBefore = NEVER;
    private long lastBeat = NEVER;
    private long largestGap;

    synchronized void vouched(long now) {
      vouchedBefore = lastVouched;
      lastVouched = now;
    }

    synchronized void beat(long now) {
      if (lastBeat != NEVER) {
        largestGap = Math.max(largestGap, now - lastBeat);
      }
      lastBeat = now;
    }

    /** The last vouched time at or before {@code at}; NEVER when unknown (two or more came since). */
    synchronized long lastVouched(long at) {
      if (lastVouched != NEVER && lastVouched <= at) {
        return lastVouched;
      }
      return vouchedBefore != NEVER && vouchedBefore <= at ? vouchedBefore : NEVER;
    }

    synchronized void forgetGaps() {
      largestGap = 0;
    }

    /** The largest gap up to {@code now}, the one still open included; {@code since} when it never beat. */
    synchronized long largestGap(long now, long since) {
      long open = now - (lastBeat == NEVER ? since : Math.max(lastBeat, since));
      return Math.max(largestGap, open);
    }
  }

  private final Map<String, Pulse> pulses = new ConcurrentHashMap<>();
  private final long windowNanos;
  private final Duration staleAfter;
  private final Duration allowance;
  private final LongSupplier nanoClock;
  private volatile long gapsSince;

  /**
   * @param hostsRunHere the agents this process runs (other hosts are counted apart)
   * @param staleAfter the scheduler's {@code migplan.heartbeat.stale-after}
   * @param allowance how much older than the answer a beat's stamp may be (its call deadline)
   */
  AgentLiveness(Collection<String> hostsRunHere, Duration staleAfter, Duration allowance, LongSupplier nanoClock) {
    if (allowance.isNegative() || allowance.compareTo(staleAfter) >= 0) {
      throw new IllegalArgumentException("the allowance (" + allowance + ") must be within stale-after (" + staleAfter + ")");
    }
    hostsRunHere.forEach(h -> pulses.put(h, new Pulse()));
    this.staleAfter = staleAfter;
    this.allowance = allowance;
    this.windowNanos = staleAfter.minus(allowance).toNanos();
    this.nanoClock = nanoClock;
    this.gapsSince = nanoClock.getAsLong();
  }

  /** A heartbeat of {@code host} answered: vouched, or asked to report again. */
  void heartbeatAnswered(String host, boolean vouched) {
    Pulse p = pulses.get(host);
    if (p == null) {
      return;
    }
    long now = nanoClock.getAsLong();
    p.beat(now);
    if (vouched) {
      p.vouched(now);
    }
  }

  /** A report of {@code host} answered; an applied one refreshed its liveness as a vouched beat does. */
  void reportAnswered(String host, boolean applied) {
    Pulse p = pulses.get(host);
    if (p != null && applied) {
      p.vouched(nanoClock.getAsLong());
    }
  }

  /** Gaps are measured from now on (the hold starts). */
  void measureGapsFromNow() {
    gapsSince = nanoClock.getAsLong();
    pulses.values().forEach(Pulse::forgetGaps);
  }

  /**
   * Divides the hosts shown not UP in a host list asked for at {@code sentNanos} and received at
   * {@code receivedNanos}. The scheduler read the states somewhere in between, so only what the
   * agent heard before the request counts (a beat vouched during it may have come after the read,
   * raising a host that was rightly STALE), and the window ends at the answer's arrival: both
   * choices can only make a mark look less false, never more.
   */
  Classes classify(Set<String> notUp, long sentNanos, long receivedNanos) {
    Set<String> falseMarks = new TreeSet<>();
    Set<String> behind = new TreeSet<>();
    Set<String> elsewhere = new TreeSet<>();
    for (String host : notUp) {
      Pulse p = pulses.get(host);
      if (p == null) {
        elsewhere.add(host);
        continue;
      }
      long vouched = p.lastVouched(sentNanos);
      if (vouched != NEVER && receivedNanos - vouched <= windowNanos) {
        falseMarks.add(host);
      } else {
        behind.add(host);
      }
    }
    return new Classes(falseMarks, behind, elsewhere);
  }

  /**
   * Seconds from {@code host}'s agent's last vouched beat or applied report at or before {@code
   * at} to {@code now}; -1 when unknown.
   */
  double secondsSinceVouched(String host, long at, long nowNanos) {
    Pulse p = pulses.get(host);
    long v = p == null ? NEVER : p.lastVouched(at);
    return v == NEVER ? -1 : (nowNanos - v) / 1e9;
  }

  /** Over the agents run here: each one's largest gap between answered heartbeats since the hold started. */
  Lag lag() {
    long now = nanoClock.getAsLong();
    List<Long> gaps = new ArrayList<>(pulses.size());
    pulses.values().forEach(p -> gaps.add(p.largestGap(now, gapsSince)));
    if (gaps.isEmpty()) {
      return new Lag(0, 0, 0);
    }
    gaps.sort(Long::compare);
    return new Lag(quantile(gaps, 0.50), quantile(gaps, 0.99), quantile(gaps, 1.0));
  }

  /** The rule, as the bench prints it. */
  String rule() {
    return String.format(Locale.ROOT, "a host not UP is a false mark when its agent had a beat vouched or a report"
            + " applied before the host list was asked for and within %d s of its answer (stale-after %d s less %d s:"
            + " the scheduler stamps a beat when it writes it, at most the call's deadline before the answer, and"
            + " sweeps every 5 s); otherwise the simulator was behind its schedule and the scheduler was right",
        staleAfter.minus(allowance).toSeconds(), staleAfter.toSeconds(), allowance.toSeconds());
  }

  private static double quantile(List<Long> sorted, double q) {
    int i = (int) Math.min(sorted.size() - 1, Math.max(0, Math.ceil(q * sorted.size()) - 1));
    return sorted.get(i) / 1e9;
  }
}
