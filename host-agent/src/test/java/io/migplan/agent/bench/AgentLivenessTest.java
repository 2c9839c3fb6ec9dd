package io.migplan.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AgentLivenessTest {
  private static final long S = 1_000_000_000L;
  private final AtomicLong clock = new AtomicLong(1_000 * S);
  private final AgentLiveness liveness =
      new AgentLiveness(List.of("h1", "h2", "h3", "h4"), Duration.ofSeconds(30), Duration.ofSeconds(5), clock::get);

  private void at(long seconds) {
    clock.set(1_000 * S + seconds * S);
  }

  @Test
  void aHostWhoseAgentHadABeatVouchedWithinTheWindowIsAFalseMarkAndAnOlderOneIsTheSimulatorBehind() {
    at(0);
    liveness.heartbeatAnswered("h1", true);
    liveness.heartbeatAnswered("h2", true);
    at(20);
    liveness.heartbeatAnswered("h1", true); // 25 s before the sample: inside the window
    at(44);
    liveness.reportAnswered("h3", true); // an applied report vouches as a beat does
    at(45);
    AgentLiveness.Classes c = liveness.classify(Set.of("h1", "h2", "h3", "h4", "h9"), clock.get(), clock.get());
    assertThat(c.falseMarks()).containsExactly("h1", "h3");
    // h2 last vouched 45 s ago, h4 never: the agents did not keep their schedule.
    assertThat(c.simulatorBehind()).containsExactly("h2", "h4");
    assertThat(c.notRunHere()).containsExactly("h9");
  }

  @Test
  void aBeatAnsweredWithResendOrARefusedReportVouchesForNothing() {
    at(0);
    liveness.heartbeatAnswered("h1", false);
    liveness.reportAnswered("h2", false);
    at(1);
    AgentLiveness.Classes c = liveness.classify(Set.of("h1", "h2"), clock.get(), clock.get());
    assertThat(c.falseMarks()).isEmpty();
    assertThat(c.simulatorBehind()).containsExactly("h1", "h2");
  }

  @Test
  void justPastTheWindowTheMarkIsTheSimulatorsNotTheSchedulers() {
    at(0);
    liveness.heartbeatAnswered("h1", true);
    clock.addAndGet(25 * S + 1);
    assertThat(liveness.classify(Set.of("h1"), clock.get(), clock.get()).simulatorBehind()).containsExactly("h1");
    assertThat(liveness.secondsSinceVouched("h1", clock.get(), clock.get())).isGreaterThan(25.0);
    assertThat(liveness.secondsSinceVouched("h9", clock.get(), clock.get())).isEqualTo(-1);
  }

  /**
   * The scheduler read the list somewhere between sending and receiving: a beat vouched meanwhile
   * may have raised a host after the read, so it proves nothing; the one before the request does.
   */
  @Test
  void aBeatVouchedWhileTheListWasReadProvesNothingTheOneBeforeDoes() {
    at(0);
    liveness.heartbeatAnswered("h1", true);
    at(40);
    long sent = clock.get();
    clock.addAndGet(S / 2);
    liveness.heartbeatAnswered("h2", true); // h2's first beat, during the request
    at(41);
    liveness.heartbeatAnswered("h1", true);
    at(42);
    AgentLiveness.Classes c = liveness.classify(Set.of("h1", "h2"), sent, clock.get());
    // h1 was last heard 42 s before the answer, as far as the read could know; h2 never before it.
    assertThat(c.simulatorBehind()).containsExactly("h1", "h2");
    assertThat(liveness.secondsSinceVouched("h1", sent, clock.get())).isEqualTo(42.0);

    at(50);
    long sentAgain = clock.get();
    at(51);
    // Now h1's beat at 41 s came before the request: 10 s before the answer, a false mark.
    assertThat(liveness.classify(Set.of("h1"), sentAgain, clock.get()).falseMarks()).containsExactly("h1");
  }

  @Test
  void theLagIsEachAgentsLargestGapBetweenAnsweredBeatsTheOpenOneIncluded() {
    at(0);
    for (String h : List.of("h1", "h2", "h3", "h4")) {
      liveness.heartbeatAnswered(h, true);
    }
    liveness.measureGapsFromNow();
    for (int t = 10; t <= 40; t += 10) {
      at(t);
      liveness.heartbeatAnswered("h1", true);
      liveness.heartbeatAnswered("h2", false); // answered, even if not vouched
      if (t != 20) {
        liveness.heartbeatAnswered("h3", true); // missed one: a 20 s gap
      }
    }
    at(47); // h4 has not been answered since 0: its open gap is 47 s
    AgentLiveness.Lag lag = liveness.lag();
    assertThat(lag.p50()).isEqualTo(10.0);
    assertThat(lag.p99()).isEqualTo(47.0);
    assertThat(lag.max()).isEqualTo(47.0);
    assertThat(lag).hasToString("10.0 / 47.0 / 47.0");
  }

  @Test
  void anAllowanceAsLongAsStaleAfterIsRefused() {
    assertThatThrownBy(() -> new AgentLiveness(List.of(), Duration.ofSeconds(30), Duration.ofSeconds(30), clock::get))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowance");
  }
}
