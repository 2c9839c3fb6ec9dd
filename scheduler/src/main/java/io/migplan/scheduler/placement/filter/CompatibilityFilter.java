package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.error.Rejection;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.placement.filter.DeviceAllocator.Landing;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.compatibility.ProbeOutcome;
import io.migplan.scheduler.compatibility.VerdictMeaning;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The target host's agent must say COMPATIBLE for every mdev landing there: the device type
 * on that parent accepts the state of the VM's device. INCOMPATIBLE becomes
 * {@code PROBE_INCOMPATIBLE} with the agent's code and sentence; anything else (UNKNOWN, no
 * answer, agent unreachable, timeout) becomes {@code PROBE_UNKNOWN} with why, because an
 * unknown verdict is never compatible. It reads a probe outcome; asking is
 * {@link io.migplan.scheduler.compatibility.CompatibilityProber}'s job.
 */
public final class CompatibilityFilter {

    public static final String PROBE_INCOMPATIBLE = VerdictMeaning.PROBE_INCOMPATIBLE;
    public static final String PROBE_UNKNOWN = VerdictMeaning.PROBE_UNKNOWN;

    static final String TALLY_INCOMPATIBLE = VerdictMeaning.TALLY_INCOMPATIBLE;
    static final String TALLY_UNKNOWN = VerdictMeaning.TALLY_UNKNOWN;

    public List<Rejection> filter(HostView host, List<Landing> landings, ProbeOutcome outcome) {
        if (landings.isEmpty()) {
            return List.of();
        }
        if (outcome instanceof ProbeOutcome.Failed failed) {
            String what = landings.stream().map(l -> l.device().typeId() + " on " + l.parent()).distinct()
                    .collect(Collectors.joining(", "));
            return List.of(new Rejection(PROBE_UNKNOWN, "host " + host.id() + ": compatibility of " + what
                    + " unknown: " + failed.why(), TALLY_UNKNOWN));
        }
        ProbeOutcome.Answered answered = (ProbeOutcome.Answered) outcome;
        List<Rejection> out = null;
        for (Landing l : landings) {
            ProbeAnswer a = answered.answers().get(l.device().uuid());
            // The sentences are built for rejections only: most landings are compatible.
            if (a != null && VerdictMeaning.compatible(a.getVerdict())) {
                continue;
            }
            String where = l.device().typeId() + " on " + l.parent();
            if (a == null) {
                out = out == null ? new ArrayList<>() : out;
                out.add(new Rejection(PROBE_UNKNOWN, "host " + host.id() + ": compatibility of " + where
                        + " unknown: agent at " + answered.endpoint() + " gave no answer for mdev "
                        + l.device().uuid(), TALLY_UNKNOWN));
                continue;
            }
            String agentSays = VerdictMeaning.agentSays(a);
            out = out == null ? new ArrayList<>() : out;
            switch (a.getVerdict()) {
                case VERDICT_INCOMPATIBLE -> out.add(new Rejection(PROBE_INCOMPATIBLE, "host " + host.id() + ": "
                        + where + " does not accept the state of mdev " + l.device().uuid() + " ("
                        + l.device().typeId() + " from " + l.device().sourceParent() + ") - " + agentSays,
                        TALLY_INCOMPATIBLE));
                default -> out.add(new Rejection(PROBE_UNKNOWN, "host " + host.id() + ": compatibility of " + where
                        + " with mdev " + l.device().uuid() + " unknown - " + agentSays, TALLY_UNKNOWN));
            }
        }
        return out == null ? List.of() : out;
    }

    /** The code and phrase of every reason {@link #filter} gives, in its order, without the sentences. */
    public void tally(List<Landing> landings, ProbeOutcome outcome, Tally out) {
        if (landings.isEmpty()) {
            return;
        }
        if (outcome instanceof ProbeOutcome.Failed) {
            out.add(PROBE_UNKNOWN, TALLY_UNKNOWN);
            return;
        }
        ProbeOutcome.Answered answered = (ProbeOutcome.Answered) outcome;
        for (Landing l : landings) {
            ProbeAnswer a = answered.answers().get(l.device().uuid());
            tally(a == null ? null : a.getVerdict(), out);
        }
    }

    /**
     * What {@link #filter} says of one landing whose agent gave {@code verdict} (null: no
     * answer): nothing when compatible, else the code and phrase of its reason.
     */
    public static void tally(Verdict verdict, Tally out) {
        if (!VerdictMeaning.compatible(verdict)) {
            out.add(VerdictMeaning.code(verdict), VerdictMeaning.tally(verdict));
        }
    }
}
