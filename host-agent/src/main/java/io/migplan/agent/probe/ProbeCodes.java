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
  /** Same type, but the target parent's board differs from the source's (FACTS.md section 5). */
  public static final String BOARD_MISMATCH = "BOARD_MISMATCH";
  /** The target's driver is older than the source's and the rule allows no backward move. */
  public static final String DRIVER_BACKWARD = "DRIVER_BACKWARD";
  /** The driver versions differ by more than the rule's window allows, in either direction. */
  public static final String DRIVER_OUTSIDE_WINDOW = "DRIVER_OUTSIDE_WINDOW";
  /** A vendor tool said incompatible without giving a code of its own. */
  public static final String VENDOR_REJECTED = "VENDOR_REJECTED";
  /** UNKNOWN: a fact the rule needs (source type, board or driver version) is not known. */
  public static final String FACTS_UNKNOWN = "FACTS_UNKNOWN";
  /** UNKNOWN: the rules file has no rule for the target's driver. */
  public static final String NO_RULE = "NO_RULE";
  /** UNKNOWN: the probe (a vendor tool) did not answer within its timeout. */
  public static final String PROBE_TIMEOUT = "PROBE_TIMEOUT";

  private ProbeCodes() {}
}
