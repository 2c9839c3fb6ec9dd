package io.migplan.scheduler.api.rest;

import io.migplan.scheduler.error.Reason;
import io.migplan.scheduler.placement.Placement;
import java.util.List;

/** The JSON of {@code GET /api/v1/vms/{id}/targets}; summary phrases stay internal. */
public record TargetsResponse(String vm, String sourceHost, String summary, List<Candidate> candidates,
        List<Rejection> rejected) {

    public record Candidate(String host, String device, double score) {
    }

    public record Rejection(String host, List<Reason> reasons) {
    }

    public static TargetsResponse of(Placement p) {
        return new TargetsResponse(p.vm(), p.sourceHost(), p.summary(),
                p.candidates().stream().map(c -> new Candidate(c.host(), c.device(), c.score())).toList(),
                p.rejected().stream().map(r -> new Rejection(r.host(),
                        r.reasons().stream().map(io.migplan.scheduler.error.Rejection::reason).toList())).toList());
    }
}
