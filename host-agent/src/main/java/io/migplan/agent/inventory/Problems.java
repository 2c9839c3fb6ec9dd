package io.migplan.agent.inventory;

import io.migplan.proto.v1.Problem;
import java.nio.file.Path;

/** Builds the proto {@link Problem}: the path at fault and a sentence with a fix hint. */
public final class Problems {
  private Problems() {}

  public static Problem of(Path path, String message) {
    return Problem.newBuilder().setPath(path.toString()).setMessage(message).build();
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
