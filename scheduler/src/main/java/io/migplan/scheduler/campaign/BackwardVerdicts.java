package io.migplan.scheduler.campaign;

import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.compatibility.VerdictMeaning;
import io.migplan.scheduler.error.Reason;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.HostView.ParentView;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.snapshot.PlacementRequest.SourceFacts;
import io.migplan.scheduler.snapshot.VmRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one rule of a move back to an older release: a host at the old release accepts a VM only
 * where its own agent answered COMPATIBLE, at the host's current generation, for each device's
 * type and source signature (on any parent offering the type). Nothing else counts: no verdict
 * learned from another host, no release policy's expectation, no {@code allowBackward}; a cell
 * never asked, or answered UNKNOWN, accepts nothing. The rollback view counts with it ({@link
 * RollbackCount}) and a rollback campaign plans with it ({@link CampaignProblemBuilder}), so the
 * way back the view shows is the way a rollback campaign takes.
 *
 * <p>It reads only the stored verdicts it is given; which cells to ask is {@link #cells}'s answer.
 */
final class BackwardVerdicts {

    static final String POSSIBLE = "POSSIBLE";
    static final String INCOMPATIBLE = "INCOMPATIBLE";
    static final String UNKNOWN = "UNKNOWN";

    /** Reason codes of a VM that cannot go back (yet). */
    static final String BACKWARD_UNKNOWN = "BACKWARD_UNKNOWN";
    static final String NO_OLD_RELEASE_TARGET = "NO_OLD_RELEASE_TARGET";

    private final Map<MatrixKey, StoredVerdict> stored;

    /** @param stored valid stored verdicts of old-release hosts (at their current generations) */
    BackwardVerdicts(Map<MatrixKey, StoredVerdict> stored) {
        this.stored = stored;
    }

    /**
     * The backward cells of {@code vms}' devices on {@code oldHosts} (each parent offering the type),
     * each with the facts of a source holding its signature: what to ask the old hosts' agents.
     */
    static Map<MatrixKey, SourceFacts> cells(Collection<VmRecord> vms, Collection<HostView> oldHosts) {
        Map<MatrixKey, SourceFacts> cells = new LinkedHashMap<>();
        for (VmRecord vm : vms) {
            for (DeviceRequest d : vm.devices()) {
                if (d.sourceSignature().isEmpty()) {
                    continue;
                }
                for (HostView h : oldHosts) {
                    for (ParentView p : h.parentsWith(d.typeId())) {
                        cells.putIfAbsent(new MatrixKey(h.id(), p.address(), d.typeId(), d.sourceSignature()),
                                d.source() == null ? SourceFacts.NONE : d.source());
                    }
                }
            }
        }
        return cells;
    }

    /** What one old host says of one device: accepts (a parent answered COMPATIBLE), or refuses on every parent. */
    record Side(boolean accepts, Reason refusal) {
    }

    /** A VM's verdict before room: POSSIBLE (some old host accepts it), UNKNOWN or INCOMPATIBLE, and why. */
    record Judged(String verdict, List<Reason> reasons) {
    }

    /** Whether {@code host}'s agent answered COMPATIBLE for every device of {@code vm}. */
    boolean accepts(HostView host, VmRecord vm) {
        for (DeviceRequest d : vm.devices()) {
            if (!side(host, d).accepts()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code vm} could go back to one of {@code oldHosts} (all at {@code oldRelease}): POSSIBLE
     * when one accepts every device; else UNKNOWN when some host refused none of them (cells unasked,
     * or the agent's own UNKNOWN); else INCOMPATIBLE with the first agent's refusal (code and
     * sentence), else the first host's that does not offer the type.
     */
    Judged judge(VmRecord vm, List<HostView> oldHosts, String oldRelease) {
        if (vm.unresolved() != null) {
            return new Judged(UNKNOWN, List.of(new Reason(BACKWARD_UNKNOWN, vm.unresolved())));
        }
        Reason refusal = null;
        boolean open = false;
        List<String> unanswered = new ArrayList<>();
        for (HostView h : oldHosts) {
            boolean accepts = true;
            boolean refuses = false;
            for (DeviceRequest d : vm.devices()) {
                Side s = side(h, d);
                if (s.refusal() != null) {
                    refuses = true;
                    // An agent's refusal says more than a host that does not offer the type at all.
                    if (refusal == null || refusal.code().equals(NO_OLD_RELEASE_TARGET)) {
                        refusal = s.refusal();
                    }
                    accepts = false;
                    break;
                }
                accepts &= s.accepts();
            }
            if (accepts) {
                return new Judged(POSSIBLE, List.of());
            }
            if (!refuses) {
                open = true;
                unanswered.add(h.id());
            }
        }
        if (open) {
            return new Judged(UNKNOWN, List.of(new Reason(BACKWARD_UNKNOWN, "VM " + vm.name() + " on " + vm.host()
                    + ": no agent at release " + oldRelease + " has answered whether it accepts its state back"
                    + " (not asked yet, or UNKNOWN) on " + unanswered.size() + " host(s): " + first(unanswered)
                    + "; POST …/rollback/probe asks them")));
        }
        if (refusal != null) {
            return new Judged(INCOMPATIBLE, List.of(refusal));
        }
        String types = String.join(", ", vm.devices().stream().map(DeviceRequest::typeId).distinct().toList());
        return new Judged(INCOMPATIBLE, List.of(new Reason(NO_OLD_RELEASE_TARGET, "VM " + vm.name() + " on "
                + vm.host() + ": no host at release " + oldRelease + " that takes VMs offers " + types)));
    }

    /** What old host {@code h} says of device {@code d}. */
    Side side(HostView h, DeviceRequest d) {
        List<ParentView> parents = h.parentsWith(d.typeId());
        if (parents.isEmpty()) {
            return new Side(false, new Reason(NO_OLD_RELEASE_TARGET, "host " + h.id() + " (release " + h.release()
                    + ") offers no " + d.typeId()));
        }
        if (d.sourceSignature().isEmpty()) {
            return new Side(false, null);
        }
        Reason refusal = null;
        boolean allRefuse = true;
        for (ParentView p : parents) {
            StoredVerdict v = stored.get(new MatrixKey(h.id(), p.address(), d.typeId(), d.sourceSignature()));
            if (v != null && VerdictMeaning.compatible(v.verdict())) {
                return new Side(true, null);
            }
            if (v != null && v.verdict() == Verdict.VERDICT_INCOMPATIBLE) {
                refusal = refusal != null ? refusal : new Reason(VerdictMeaning.PROBE_INCOMPATIBLE, "host " + h.id()
                        + " (release " + h.release() + ") refuses " + d.typeId() + " state from the new release on "
                        + p.address() + " - " + VerdictMeaning.agentSays(v.toAnswer("")));
            } else {
                allRefuse = false;
            }
        }
        return new Side(false, allRefuse ? refusal : null);
    }

    private static String first(List<String> hosts) {
        int shown = Math.min(hosts.size(), 5);
        return String.join(", ", hosts.subList(0, shown)) + (hosts.size() > shown ? ", …" : "");
    }
}
