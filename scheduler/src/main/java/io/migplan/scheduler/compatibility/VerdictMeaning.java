package io.migplan.scheduler.compatibility;

import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.Verdict;

/**
 * What an agent's answer to a compatibility probe means, in one place for "where can it move",
 * evacuation plans and campaigns: only COMPATIBLE is compatible; INCOMPATIBLE rules a target out
 * as {@link #PROBE_INCOMPATIBLE}; UNKNOWN, no answer, an unreachable agent or a timeout rule it out
 * as {@link #PROBE_UNKNOWN}, because an unknown verdict is never compatible. Each rejection has
 * the phrase it is counted under across hosts. Sentences stay with their callers, which know
 * what the question was about.
 */
public final class VerdictMeaning {

    public static final String PROBE_INCOMPATIBLE = "PROBE_INCOMPATIBLE";
    public static final String PROBE_UNKNOWN = "PROBE_UNKNOWN";

    public static final String TALLY_INCOMPATIBLE = "probe incompatible";
    public static final String TALLY_UNKNOWN = "probe unknown";

    private VerdictMeaning() {
    }

    /** Whether a target may take the state: only when its agent said COMPATIBLE ({@code null}: no answer). */
    public static boolean compatible(Verdict verdict) {
        return verdict == Verdict.VERDICT_COMPATIBLE;
    }

    /** The rejection code of a verdict that is not compatible ({@code null}: no answer). */
    public static String code(Verdict verdict) {
        return verdict == Verdict.VERDICT_INCOMPATIBLE ? PROBE_INCOMPATIBLE : PROBE_UNKNOWN;
    }

    /** The phrase a rejection of {@link #code} is counted under. */
    public static String tally(Verdict verdict) {
        return verdict == Verdict.VERDICT_INCOMPATIBLE ? TALLY_INCOMPATIBLE : TALLY_UNKNOWN;
    }

    /** The agent's own words: its code and sentence, as in "SIGNATURE_MISMATCH: driver 570 refuses". */
    public static String agentSays(ProbeAnswer answer) {
        return (answer.getCode().isEmpty() ? "" : answer.getCode() + ": ")
                + (answer.getMessage().isEmpty() ? "no explanation given" : answer.getMessage());
    }
}
