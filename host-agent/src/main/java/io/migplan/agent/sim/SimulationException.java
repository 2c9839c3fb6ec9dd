package io.migplan.agent.sim;

/**
 * An operation on the simulated fleet that was refused or failed, with the sentence to show and
 * the kind of failure (mapped to a gRPC status by the control service). A refused operation
 * changed nothing.
 */
public final class SimulationException extends RuntimeException {
  /** Why, in the terms gRPC uses for the same cases. */
  public enum Kind {
    /** A blank or malformed request field. */
    INVALID_ARGUMENT,
    /** No such VM, host or parent device. */
    NOT_FOUND,
    /** The world does not allow it now: no room, no such type, a failed host. */
    FAILED_PRECONDITION,
    /** Writing a tree failed; what was written was undone. */
    INTERNAL
  }

  private final Kind kind;

  public SimulationException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public SimulationException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
