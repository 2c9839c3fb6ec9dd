package io.migplan.agent.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GenerationClockTest {
  @Test
  void generationsOnlyGrowEvenWhenTheClockStandsStillOrGoesBack() {
    AtomicLong now = new AtomicLong(1_000);
    GenerationClock clock = new GenerationClock(now::get);
    assertThat(clock.next()).isEqualTo(1_000);
    assertThat(clock.next()).isEqualTo(1_001);
    now.set(500);
    assertThat(clock.next()).isEqualTo(1_002);
    now.set(5_000);
    assertThat(clock.next()).isEqualTo(5_000);
  }

  @Test
  void aRestartedAgentStillOutranksItsEarlierGenerations() {
    AtomicLong now = new AtomicLong(1_000);
    long beforeRestart = new GenerationClock(now::get).next();
    now.set(1_001);
    assertThat(new GenerationClock(now::get).next()).isGreaterThan(beforeRestart);
  }

  @Test
  void advancePastOutranksAStoredGeneration() {
    GenerationClock clock = new GenerationClock(() -> 10);
    clock.advancePast(99);
    assertThat(clock.next()).isEqualTo(100);
  }
}
