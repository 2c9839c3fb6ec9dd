package io.migplan.agent.probe;

import static org.awaitility.Awaitility.await;

import io.migplan.agent.TestTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A vendor tool that notes each run as it starts, then holds every run until the test lets them
 * go, and answers every question COMPATIBLE: so a test can have runs in flight for as long as it
 * needs and count how many were started.
 */
public final class HeldTool {
  private final Path program;
  private final Path started;
  private final Path release;

  private HeldTool(Path program, Path started, Path release) {
    this.program = program;
    this.started = started;
    this.release = release;
  }

  public static HeldTool in(Path dir) {
    Path started = dir.resolve("started");
    Path release = dir.resolve("release");
    Path program = CommandScripts.write(dir, "held-tool",
        "lines=$(cat)\n"
            + "echo run >> '" + started + "'\n"
            // The tool's own poll: runs end only once the test creates the release file.
            + "while [ ! -e '" + release + "' ]; do sleep 0.02; done\n"
            + "while IFS= read -r line; do\n"
            + "  id=${line#*\\\"id\\\":\\\"}; id=${id%%\\\"*}\n"
            + "  printf '{\"id\":\"%s\",\"verdict\":\"COMPATIBLE\",\"message\":\"held tool accepts %s\"}\\n' \"$id\" \"$id\"\n"
            + "done <<< \"$lines\"\n");
    return new HeldTool(program, started, release);
  }

  public Path program() {
    return program;
  }

  /** How many runs have started so far. */
  public int runs() {
    try {
      return Files.exists(started) ? (int) Files.readAllLines(started).stream().filter(l -> !l.isBlank()).count() : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until {@code n} runs have started. */
  public void awaitRuns(int n) {
    await(n + " runs of the held tool").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .until(() -> runs() >= n);
  }

  /** Lets every run, now and later, answer. */
  public void release() {
    TestTrees.write(release, "go\n");
  }
}
