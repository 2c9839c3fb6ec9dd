package io.migplan.agent.scan;

import io.migplan.agent.config.AgentConfig;
import io.migplan.agent.config.ReleaseCommand;
import io.migplan.agent.config.ReleaseText;
import io.migplan.agent.exec.BoundedProcess;
import io.migplan.agent.inventory.Problems;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;

/**
 * Where the host's release comes from, as configured: a fixed value, the first non-blank line of a
 * file, or the first line a command prints. One {@link #read()} gives the value, checked by {@link
 * ReleaseText}, or why there is none; it never guesses and never throws. Keeping the last good
 * value across failed reads is {@link ObservedRelease}'s job.
 */
public sealed interface ReleaseSource {

  /** One reading: a release, or the sentence saying why none could be read. */
  record Reading(String release, String failure) {
    static Reading of(String release) {
      return new Reading(release, null);
    }

    static Reading failed(String why) {
      return new Reading(null, why);
    }

    public boolean ok() {
      return failure == null;
    }
  }

  /** Reads the release now. */
  Reading read();

  /** The config key this source was set with, for messages ({@code releaseFile}). */
  String key();

  /** The path a problem names: the file, the program, or the config key. */
  Path where();

  /**
   * A cheap token that changes when a re-read may give another value (a file's modification time,
   * size and identity); empty when only a read can tell (a command), so only scans re-read it.
   */
  default Optional<Object> stamp() {
    return Optional.empty();
  }

  static ReleaseSource of(AgentConfig config) {
    if (config.releaseFile().isPresent()) {
      return new FromFile(config.releaseFile().get());
    }
    if (config.releaseCommand().isPresent()) {
      return new FromCommand(config.releaseCommand().get());
    }
    return new Fixed(config.release().orElseThrow());
  }

  /** {@code release}: the value as configured (already checked by the config). */
  record Fixed(String release) implements ReleaseSource {
    @Override
    public Reading read() {
      return Reading.of(release);
    }

    @Override
    public String key() {
      return "release";
    }

    @Override
    public Path where() {
      return Path.of("release");
    }
  }

  /** {@code releaseFile}: its first non-blank line, stripped. */
  record FromFile(Path file) implements ReleaseSource {
    /**
     * Bytes read of the file at most: more than a release line can take (4 bytes a character in
     * UTF-8), so a huge file costs nothing and is refused for its line's length.
     */
    static final int MAX_BYTES = 4 * ReleaseText.MAX_LENGTH + 64;

    @Override
    public Reading read() {
      byte[] bytes;
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes(MAX_BYTES);
      } catch (IOException e) {
        return Reading.failed("release file " + file + " could not be read (" + Problems.describe(e) + ")");
      }
      String text = new String(bytes, StandardCharsets.UTF_8);
      String line = ReleaseText.firstLine(text);
      if (bytes.length == MAX_BYTES && text.indexOf('\n') < 0) {
        return Reading.failed("release file " + file + " starts with a line longer than " + ReleaseText.MAX_LENGTH
            + " characters");
      }
      return checked(line, "the first line of release file " + file);
    }

    @Override
    public String key() {
      return "releaseFile";
    }

    @Override
    public Path where() {
      return file;
    }

    @Override
    public Optional<Object> stamp() {
      try {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return Optional.of(List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey())));
      } catch (IOException e) {
        return Optional.of("missing: " + e.getClass().getSimpleName());
      }
    }
  }

  /** {@code releaseCommand}: the first non-blank line of its stdout, when it exits 0 in time. */
  record FromCommand(ReleaseCommand command) implements ReleaseSource {
    @Override
    public Reading read() {
      List<String> exec = command.exec();
      String name = "release command " + exec.get(0);
      BoundedProcess.Outcome o =
          BoundedProcess.run(exec, new byte[0], command.timeout(), ReleaseCommand.MAX_OUTPUT_BYTES, 400);
      String err = o.stderr().strip();
      String stderr = err.isEmpty() ? "" : "; stderr: " + Problems.excerpt(printable(err.replaceAll("\\s*\\n\\s*", " | ")));
      return switch (o.end()) {
        case NOT_STARTED -> Reading.failed(name + " could not be started: " + o.startFailure());
        case TIMED_OUT -> Reading.failed(name + " timed out after " + BoundedProcess.format(command.timeout())
            + " and was killed" + stderr);
        case INTERRUPTED -> Reading.failed(name + " was interrupted (the agent is stopping)");
        case EXITED -> o.exitValue() != 0
            ? Reading.failed(name + " exited with status " + o.exitValue() + stderr)
            : o.stdoutOverflowed()
                ? Reading.failed(name + " printed more than " + ReleaseCommand.MAX_OUTPUT_BYTES + " bytes")
                : checked(ReleaseText.firstLine(o.stdout()), "the first line " + name + " printed");
      };
    }

    @Override
    public String key() {
      return "releaseCommand";
    }

    @Override
    public Path where() {
      return Path.of(command.exec().get(0));
    }
  }

  /** Control characters as {@code \\uXXXX}: a problem's message must be one clean line. */
  private static String printable(String s) {
    StringBuilder out = new StringBuilder(s.length());
    s.chars().forEach(c -> out.append(Character.isISOControl(c) ? String.format("\\u%04x", c) : String.valueOf((char) c)));
    return out.toString();
  }

  private static Reading checked(String line, String what) {
    String why = ReleaseText.problem(line);
    if (why != null) {
      return Reading.failed(what + " " + why + (line.isEmpty() ? "" : ": '" + Problems.excerpt(printable(line)) + "'"));
    }
    return Reading.of(line);
  }
}
