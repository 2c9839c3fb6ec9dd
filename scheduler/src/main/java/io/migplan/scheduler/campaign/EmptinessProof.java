package io.migplan.scheduler.campaign;

import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.Problem;
import io.migplan.proto.v1.ProblemSource;
import java.util.List;

/**
 * Proves a host empty before it is handed out for upgrade, which reboots it. The proof is fresh,
 * positive evidence, asked for and never inferred from the absence of data: the host is UP, its
 * agent (asked by the host's id, so another host's agent cannot answer for it) scans sysfs and
 * libvirt's state again, and that scan lists no VM, no active mdev, and no problem reading
 * sysfs or libvirt (a domain file that does not parse may be a running VM; a missing libvirt
 * directory says nothing about what runs). A problem reading host facts (release, memory) does
 * not hide a VM and is no objection.
 *
 * <p>The caller decides when to ask ({@link FreshScans}, after the last migration out of the host
 * is done); this class judges the answer and changes nothing.
 */
public final class EmptinessProof {

    /**
     * @param empty whether the host is proven empty
     * @param why   for a host not proven empty, a sentence naming what the scan found or what
     *              kept it from answering; empty otherwise
     */
    public record Finding(boolean empty, String why) {
        static Finding proven() {
            return new Finding(true, "");
        }

        static Finding not(String why) {
            return new Finding(false, why);
        }
    }

    /** VMs, mdevs or problems named in one sentence, the rest counted. */
    static final int NAMED = 3;

    private EmptinessProof() {
    }

    /** Whether the outcome of asking for a fresh scan proves {@code hostId} empty. */
    static Finding judge(String hostId, FreshScans.Scan scan) {
        if (scan instanceof FreshScans.Seen seen) {
            return judge(hostId, seen.snapshot());
        }
        return Finding.not(((FreshScans.Unavailable) scan).why());
    }

    /** Whether a fresh scan proves {@code hostId} empty, and if not why: the rule itself, without the asking. */
    static Finding judge(String hostId, HostSnapshot scan) {
        if (!scan.getHost().getId().equals(hostId)) {
            return Finding.not("the agent asked for host " + hostId + " answered as host " + scan.getHost().getId());
        }
        if (scan.getVmsCount() > 0) {
            return Finding.not("a fresh scan of host " + hostId + " still shows " + count(scan.getVmsCount(), "VM")
                    + ": " + named(scan.getVmsList().stream().map(v -> v.getName()).toList()));
        }
        if (scan.getInstancesCount() > 0) {
            return Finding.not("a fresh scan of host " + hostId + " still shows "
                    + count(scan.getInstancesCount(), "active mdev") + ": "
                    + named(scan.getInstancesList().stream().map(d -> d.getUuid() + " (" + d.getTypeId() + ")")
                            .toList()));
        }
        List<Problem> blocking = scan.getProblemsList().stream()
                .filter(p -> p.getSource() != ProblemSource.PROBLEM_SOURCE_HOST).toList();
        if (!blocking.isEmpty()) {
            return Finding.not("a fresh scan of host " + hostId + " could not read everything, so it proves"
                    + " nothing (" + count(blocking.size(), "problem") + "): "
                    + named(blocking.stream().map(p -> p.getPath() + ": " + p.getMessage()).toList()));
        }
        return Finding.proven();
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    private static String named(List<String> items) {
        String shown = String.join(", ", items.subList(0, Math.min(NAMED, items.size())));
        return items.size() > NAMED ? shown + " and " + (items.size() - NAMED) + " more" : shown;
    }
}
