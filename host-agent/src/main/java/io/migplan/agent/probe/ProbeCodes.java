package io.migplan.agent.probe;

/** Stable machine codes in {@code ProbeAnswer.code}; callers match on them, so never rename. */
public final class ProbeCodes {
  /** The target type does not exist on this host (or on the requested parent). */
  public static final String NO_SUCH_TYPE = "NO_SUCH_TYPE";
  /** The source device is of another type than the target. */
  public static final String TYPE_MISMATCH = "TYPE_MISMATCH";
  /** Same type, different signature (board or driver version differ). */
  public static final String SIGNATURE_MISMATCH = "SIGNATURE_MISMATCH";
  /** The target's version attribute refused the source's string (EINVAL). */
  public static final String VERSION_REJECTED = "VERSION_REJECTED";
  /** The target type has no version attribute, so it does not support live migration. */
  public static final String NOT_MIGRATABLE = "NOT_MIGRATABLE";
  /** The probe itself failed; the verdict is UNKNOWN, never compatible. */
  public static final String PROBE_ERROR = "PROBE_ERROR";

  private ProbeCodes() {}
}
