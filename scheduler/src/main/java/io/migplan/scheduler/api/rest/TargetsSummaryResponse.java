package io.migplan.scheduler.api.rest;

import io.migplan.scheduler.placement.Shortlist;
import java.util.List;

/**
 * The JSON of {@code GET /api/v1/vms/{id}/targets?view=summary}: the full answer's summary line
 * and counts, its best candidates, and hosts per rejection code instead of every rejected host.
 */
public record TargetsSummaryResponse(String vm, String sourceHost, String summary, int eligible, int hosts,
        List<TargetsResponse.Candidate> candidates, List<CodeCount> rejectedByCode) {

    /** How many rejected hosts carry a code (a host counts once per code). */
    public record CodeCount(String code, int hosts) {
    }

    public static TargetsSummaryResponse of(Shortlist s) {
        return new TargetsSummaryResponse(s.vm(), s.sourceHost(), s.summary(), s.eligible(), s.hosts(),
                s.candidates().stream().map(c -> new TargetsResponse.Candidate(c.host(), c.device(), c.score())).toList(),
                s.rejectedByCode().stream().map(c -> new CodeCount(c.code(), c.hosts())).toList());
    }
}
