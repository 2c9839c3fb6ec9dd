package io.migplan.scheduler.placement;

import io.migplan.scheduler.error.Rejection;
import java.util.List;

/**
 * The answer to "where can this VM move": every other host is either a candidate or
 * rejected with its reasons.
 */
public record Placement(String vm, String sourceHost, String summary, List<Candidate> candidates,
        List<HostRejection> rejected) {

    /**
     * @param device the parent device(s) the VM's mdevs would land on, comma separated; empty
     *               for a VM without mdevs
     * @param score  0..100, higher is better (see {@link Scorer})
     */
    public record Candidate(String host, String device, double score) {
    }

    public record HostRejection(String host, List<Rejection> reasons) {
    }
}
