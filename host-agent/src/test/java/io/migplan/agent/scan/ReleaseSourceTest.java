package io.migplan.agent.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.agent.TestTrees;
import io.migplan.agent.config.ReleaseCommand;
import io.migplan.agent.config.ReleaseText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Real files and real programs, read as the agent reads a host's release. */
class ReleaseSourceTest {
  @TempDir Path dir;

  static Stream<Arguments> files() {
    return Stream.of(
        Arguments.of("a version with its newline", "2025.2\n", "2025.2", null),
        Arguments.of("the first non-blank line, trimmed", "\n   \n  1:9.2.0-1ubuntu3  \nignored\n", "1:9.2.0-1ubuntu3", null),
        Arguments.of("an empty file", "", null, "the first line of release file %s is empty"),
        Arguments.of("only blank lines", "\n \n\t\n", null, "the first line of release file %s is empty"),
        Arguments.of("a line longer than the scheduler takes", "9".repeat(ReleaseText.MAX_LENGTH + 1) + "\n", null,
            "the first line of release file %s is 257 characters long, at most 256: '" + "9".repeat(77) + "...'"),
        Arguments.of("a huge file of one line", "x".repeat(1_000_000), null,
            "release file %s starts with a line longer than 256 characters"),
        Arguments.of("a control character", "2025\u00072\n", null,
            "the first line of release file %s contains a control character (U+0007) at 4: '2025\\u00072'"),
        Arguments.of("no letter or digit", "--\n", null,
            "the first line of release file %s has no letter or digit, so it cannot be ordered against other"
                + " releases: '--'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void aReleaseFileIsItsFirstNonBlankLineWithinTheSchedulersBounds(
      String name, String content, String release, String failure) {
    Path file = dir.resolve("migplan-release");
    TestTrees.write(file, content);

    ReleaseSource.Reading r = new ReleaseSource.FromFile(file).read();

    assertThat(r.release()).isEqualTo(release);
    assertThat(r.failure()).isEqualTo(failure == null ? null : failure.formatted(file));
  }

  @Test
  void aMissingFileIsAFailureNamingIt() {
    Path file = dir.resolve("absent");
    ReleaseSource.Reading r = new ReleaseSource.FromFile(file).read();
    assertThat(r.ok()).isFalse();
    assertThat(r.failure()).startsWith("release file " + file + " could not be read (NoSuchFileException");
  }

  @Test
  void aFilesStampChangesWhenItIsRewritten() throws Exception {
    Path file = dir.resolve("migplan-release");
    TestTrees.write(file, "2025.1\n");
    ReleaseSource.FromFile source = new ReleaseSource.FromFile(file);
    Object before = source.stamp().orElseThrow();
    assertThat(source.stamp()).contains(before);

    TestTrees.write(file, "2025.10\n");

    assertThat(source.stamp()).isNotEqualTo(java.util.Optional.of(before));
    Files.delete(file);
    assertThat(source.stamp().orElseThrow()).isNotEqualTo(before);
  }

  @Test
  void aCommandsFirstLineIsTheRelease() {
    ReleaseSource.Reading r = command("printf '\\n  2:8.2+dfsg-1ubuntu1 \\nmore\\n'").read();
    assertThat(r.release()).isEqualTo("2:8.2+dfsg-1ubuntu1");
    assertThat(r.failure()).isNull();
    // Only a scan runs a command: nothing cheaper says it changed.
    assertThat(command("echo 1").stamp()).isEmpty();
  }

  @Test
  void aCommandThatFailsOrPrintsNoReleaseGivesNone() {
    assertThat(command("echo 'dpkg-query: no packages found matching nova-compute' >&2; exit 1").read().failure())
        .matches("release command .*/release-tool exited with status 1; stderr: dpkg-query: no packages found"
            + " matching nova-compute");
    assertThat(command("true").read().failure()).matches("the first line release command .*/release-tool printed is empty");
    assertThat(command("head -c 70000 /dev/zero | tr '\\0' 'x'").read().failure())
        .matches("release command .* printed more than 65536 bytes");
    assertThat(new ReleaseSource.FromCommand(new ReleaseCommand(List.of(dir.resolve("missing").toString()))).read()
        .failure()).startsWith("release command " + dir.resolve("missing") + " could not be started: IOException");
  }

  @Test
  void aCommandThatHangsIsKilledAtItsTimeout() {
    Path script = script("echo 2025.2; exec sleep 600");
    ReleaseSource.Reading r =
        new ReleaseSource.FromCommand(new ReleaseCommand(List.of(script.toString()), Duration.ofMillis(300))).read();
    assertThat(r.ok()).isFalse();
    assertThat(r.failure()).isEqualTo("release command " + script + " timed out after 300ms and was killed");
  }

  private ReleaseSource.FromCommand command(String body) {
    return new ReleaseSource.FromCommand(new ReleaseCommand(List.of(script(body).toString())));
  }

  private Path script(String body) {
    Path file = dir.resolve("release-tool");
    TestTrees.write(file, "#!/bin/bash\n" + body + "\n");
    assertThat(file.toFile().setExecutable(true, true)).isTrue();
    return file;
  }
}
