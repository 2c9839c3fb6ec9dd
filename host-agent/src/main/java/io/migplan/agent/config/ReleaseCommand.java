package io.migplan.agent.config;

import static io.migplan.agent.config.FieldChecks.path;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Duration;
import java.util.List;

/**
 * The {@code releaseCommand} of the agent config: a program that prints the host's release as the
 * first line of its stdout, run without a shell at every scan, e.g. {@code {exec: [dpkg-query, -W,
 * -f, '${Version}', nova-compute]}}.
 *
 * @param exec the program and each argument
 * @param timeout for one run; the scan waits for it, so it stays short
 */
public record ReleaseCommand(List<String> exec, Duration timeout) implements SelfChecking {
  /**
   * A package query (dpkg-query, rpm -q) answers in well under a second; 5 s tolerates a busy
   * package database without letting a hung one hold the scan for long.
   */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  /**
   * Stdout kept of one run: a release is one line of at most {@link ReleaseText#MAX_LENGTH}
   * characters; a tool printing more than 64 KiB is not printing a release, and its run fails.
   */
  public static final int MAX_OUTPUT_BYTES = 64 * 1024;
  /** The scan waits for the command: a minute is already far past any package query. */
  static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);

  @JsonCreator
  public ReleaseCommand {
    exec = exec == null ? List.of() : ConfigReader.copy(exec);
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
  }

  public ReleaseCommand(List<String> exec) {
    this(exec, null);
  }

  @Override
  public void checkInto(FieldChecks checks, String at) {
    checks.eachNotBlank(path(at, "exec"), exec, "must not hold blank arguments");
    checks.positive(path(at, "timeout"), timeout);
    checks.atMost(path(at, "timeout"), timeout, MAX_TIMEOUT, "must be at most 1m");
  }
}
