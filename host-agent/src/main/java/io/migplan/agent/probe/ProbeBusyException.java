package io.migplan.agent.probe;

/**
 * A batch the agent cannot answer now because a bounded resource (the runs of the vendor's probe
 * command) stays taken past the wait allowed. It is not a verdict: the whole call is refused
 * (RESOURCE_EXHAUSTED), so the scheduler stores nothing and asks again later, where an UNKNOWN
 * answer would be stored until the host's inventory changes.
 */
public final class ProbeBusyException extends RuntimeException {
  public ProbeBusyException(String message) {
    super(message, null, false, false);
  }
}
