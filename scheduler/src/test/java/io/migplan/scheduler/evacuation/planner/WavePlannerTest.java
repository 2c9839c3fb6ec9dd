package io.migplan.scheduler.evacuation.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.evacuation.planner.WavePlanner.Move;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WavePlannerTest {

    @Test
    void tenVmsLeavingOneHostTwoAtATimeTakeFiveWaves() {
        List<Move> moves = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            moves.add(new Move("vm" + i, "src", "t" + i));
        }
        Map<String, Integer> waves = WavePlanner.plan(moves, 2, 2, 20);
        assertThat(waves.values().stream().mapToInt(Integer::intValue).max().orElseThrow()).isEqualTo(5);
        assertThat(WavePlanner.lowerBound(moves, 2, 2, 20)).isEqualTo(5);
    }

    @Test
    void respectsEveryLimitInEveryWaveAndReachesTheLowerBound() {
        Random r = new Random(1);
        List<Move> moves = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            moves.add(new Move(String.format("vm%03d", i), "s" + r.nextInt(15), "t" + r.nextInt(60)));
        }
        Map<String, Integer> waves = WavePlanner.plan(moves, 3, 2, 25);
        assertLimits(moves, waves, 3, 2, 25);
        int count = waves.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertThat(count).isEqualTo(WavePlanner.lowerBound(moves, 3, 2, 25));
    }

    @Test
    void theClusterLimitBindsWhenHostsAreMany() {
        List<Move> moves = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            moves.add(new Move("vm" + i, "s" + i, "t" + i));
        }
        Map<String, Integer> waves = WavePlanner.plan(moves, 2, 2, 10);
        assertLimits(moves, waves, 2, 2, 10);
        assertThat(waves.values().stream().mapToInt(Integer::intValue).max().orElseThrow()).isEqualTo(5);
    }

    @Test
    void aMigrationIntoAHostThatIsAlsoEmptiedWaitsForItsDepartures() {
        List<Move> moves = List.of(new Move("a", "h1", "h2"), new Move("b", "h2", "h3"), new Move("c", "h3", "h4"));
        Map<String, Integer> waves = WavePlanner.plan(moves, 2, 2, 10);
        assertThat(waves).containsEntry("c", 1).containsEntry("b", 2).containsEntry("a", 3);
    }

    @Test
    void aSwapCycleIsStillScheduled() {
        Map<String, Integer> waves = WavePlanner.plan(List.of(new Move("a", "h1", "h2"), new Move("b", "h2", "h1")),
                1, 1, 1);
        assertThat(waves).containsOnlyKeys("a", "b");
        assertThat(waves.get("a")).isNotEqualTo(waves.get("b"));
    }

    @Test
    void theOrderOfTheInputDoesNotChangeTheWaves() {
        Random r = new Random(2);
        List<Move> moves = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            moves.add(new Move("vm" + i, "s" + r.nextInt(5), "t" + r.nextInt(20)));
        }
        Map<String, Integer> first = WavePlanner.plan(moves, 2, 2, 8);
        List<Move> shuffled = new ArrayList<>(moves);
        Collections.shuffle(shuffled, new Random(3));
        assertThat(WavePlanner.plan(shuffled, 2, 2, 8)).isEqualTo(first);
    }

    private static void assertLimits(List<Move> moves, Map<String, Integer> waves, int out, int in, int parallel) {
        Map<Integer, Integer> size = new HashMap<>();
        Map<String, Integer> perOut = new HashMap<>();
        Map<String, Integer> perIn = new HashMap<>();
        for (Move m : moves) {
            int w = waves.get(m.vm());
            size.merge(w, 1, Integer::sum);
            perOut.merge(w + "|" + m.from(), 1, Integer::sum);
            perIn.merge(w + "|" + m.to(), 1, Integer::sum);
        }
        assertThat(size.values()).allMatch(n -> n <= parallel);
        assertThat(perOut.values()).allMatch(n -> n <= out);
        assertThat(perIn.values()).allMatch(n -> n <= in);
    }
}
