package io.migplan.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * The {@code releaseCommand} of the agent config: a program that prints the host's release as the
 * first line of its stdout, run without a shell at every scan, e.g. {@code {exec: [dpkg-query, -W,
 * -f, '${Version}', nova-compute]}}.
 *
 * @param exec the program and each argument
 * @param timeout for one run; the scan waits for it, so it stays short
 */
public record ReleaseCommand(
    List<@NotBlank(message = "must not hold blank arguments") String> exec,
    @DurationMin(nanos = 0, inclusive = false, message = "must be a positive duration")
        @DurationMax(minutes = 1, message = "must be at most 1m") Duration timeout) {
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

  @JsonCreator
  public ReleaseCommand {
    exec = exec == null ? List.of() : ConfigReader.copy(exec);
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
  }

  public ReleaseCommand(List<String> exec) {
    this(exec, null);
  }
}
