package io.migplan.scheduler.compatibility;

import io.migplan.proto.v1.ProbeAnswer;
import java.util.Map;

/** What one host's agent said to a batch of probe questions, or why it said nothing. */
public sealed interface ProbeOutcome {

    /** The agent answered; answers by question id (the VM's mdev UUID). */
    record Answered(String endpoint, Map<String, ProbeAnswer> answers) implements ProbeOutcome {
    }

    /** No answer: unreachable, timed out, failed, or no endpoint known. {@code why} is a phrase. */
    record Failed(String why) implements ProbeOutcome {
    }
}
