package io.migplan.agent.inventory;

import io.migplan.proto.v1.Problem;
import io.migplan.proto.v1.ProblemSource;
import java.nio.file.Path;

/**
 * Builds the proto {@link Problem}: what could not be read (its source), the path at fault and a
 * sentence with a fix hint.
 */
public final class Problems {
  private Problems() {}

  /** Something under the mediated-device tree of sysfs could not be read or made no sense. */
  public static Problem sysfs(Path path, String message) {
    return of(ProblemSource.PROBLEM_SOURCE_SYSFS, path, message);
  }

  /** Libvirt's running domains could not be read, or an active mdev belongs to no domain read. */
  public static Problem libvirt(Path path, String message) {
    return of(ProblemSource.PROBLEM_SOURCE_LIBVIRT, path, message);
  }

  /** A host fact (release, CPUs, memory) could not be read. */
  public static Problem host(Path path, String message) {
    return of(ProblemSource.PROBLEM_SOURCE_HOST, path, message);
  }

  /** The scan stopped before reading everything. */
  public static Problem scan(Path path, String message) {
    return of(ProblemSource.PROBLEM_SOURCE_SCAN, path, message);
  }

  private static Problem of(ProblemSource source, Path path, String message) {
    return Problem.newBuilder().setPath(path.toString()).setMessage(message).setSource(source).build();
  }

  /** At most 80 characters of a value, for quoting bad input in a sentence without flooding it. */
  public static String excerpt(String value) {
    // 80 characters: one terminal line, enough to recognise a value.
    return value.length() <= 80 ? value : value.substring(0, 77) + "...";
  }

  /** A sentence-safe description of an exception (IOExceptions often carry only the path). */
  public static String describe(Exception e) {
    String msg = e.getMessage();
    String kind = e.getClass().getSimpleName();
    return msg == null || msg.isBlank() ? kind : kind + ": " + msg;
  }
}
