package io.migplan.agent.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.agent.TestTrees;
import io.migplan.agent.config.InvalidConfigException;
import io.migplan.proto.v1.Problem;
import io.migplan.proto.v1.ProblemSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObservedReleaseTest {
  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(1_796_428_800_000L);

  @Test
  void aFailedReadKeepsTheLastReleaseReadAndSaysSoInAHostProblem() throws Exception {
    Path file = dir.resolve("migplan-release");
    TestTrees.write(file, "2025.1\n");
    ObservedRelease observed = new ObservedRelease(new ReleaseSource.FromFile(file), clock::get);
    assertThat(observed.require()).isEqualTo("2025.1");

    clock.addAndGet(60_000);
    Files.delete(file);
    ObservedRelease.Observation o = observed.observe();

    assertThat(o.release()).as("never a guessed or empty release").isEqualTo("2025.1");
    Problem p = o.problem().orElseThrow();
    assertThat(p.getSource()).as("a host fact: no objection to proving the host empty").isEqualTo(ProblemSource.PROBLEM_SOURCE_HOST);
    assertThat(p.getPath()).isEqualTo(file.toString());
    assertThat(p.getMessage()).startsWith("The release could not be read: release file " + file + " could not be read")
        .contains("still reporting 2025.1, the last release read (at 2026-12-05T00:00:00Z), so no upgrade is seen"
            + " until a new one is read. Fix releaseFile");
    // The same failure reads the same, so it is reported once, not at every scan.
    assertThat(observed.observe()).isEqualTo(o);

    TestTrees.write(file, "2025.2\n");
    assertThat(observed.observe()).isEqualTo(new ObservedRelease.Observation("2025.2", java.util.Optional.empty()));
  }

  @Test
  void withoutAnyReleaseReadRequireFailsNamingTheKeyAndAScanReportsNoGuess() {
    Path file = dir.resolve("absent");
    ObservedRelease observed = new ObservedRelease(new ReleaseSource.FromFile(file), clock::get);

    assertThatThrownBy(observed::require).isInstanceOfSatisfying(InvalidConfigException.class, e -> {
      assertThat(e.field()).isEqualTo("releaseFile");
      assertThat(e.getMessage()).startsWith("releaseFile: no release could be read: release file " + file);
    });
    ObservedRelease.Observation o = observed.observe();
    assertThat(o.release()).isEmpty();
    assertThat(o.problem().orElseThrow().getMessage()).contains("no release has been read yet");
  }

  @Test
  void changedIsTrueOnlyWhenTheFileNowReadsAnotherValue() throws Exception {
    Path file = dir.resolve("migplan-release");
    TestTrees.write(file, "2025.1\n");
    ObservedRelease observed = new ObservedRelease(new ReleaseSource.FromFile(file), clock::get);
    observed.require();
    assertThat(observed.changed()).isFalse();

    TestTrees.write(file, "2025.1\n\n# the same release, rewritten\n");
    assertThat(observed.changed()).as("rewritten with the same release").isFalse();

    TestTrees.write(file, "2025.2\n");
    assertThat(observed.changed()).isTrue();
    assertThat(observed.changed()).as("seen already").isFalse();
    assertThat(observed.lastGood()).contains("2025.2");

    Files.delete(file);
    assertThat(observed.changed()).as("a read that now fails is news too").isTrue();
    assertThat(observed.lastGood()).contains("2025.2");

    // A scan that reads the new value first does not hide it from the watch.
    TestTrees.write(file, "2025.3\n");
    assertThat(observed.observe().release()).isEqualTo("2025.3");
    assertThat(observed.changed()).isTrue();
  }
}
