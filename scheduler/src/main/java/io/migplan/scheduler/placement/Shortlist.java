package io.migplan.scheduler.placement;

import io.migplan.scheduler.placement.Placement.Candidate;
import io.migplan.scheduler.placement.Placement.HostRejection;
import io.migplan.scheduler.error.Rejection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The decision of "where can this VM move" without the per-host diagnosis: the summary line
 * and counts of the full {@link Placement}, its best candidates, and how many hosts each
 * rejection code excluded. For callers that pick a target and only read the sentences when
 * something looks wrong; the full answer stays available.
 *
 * @param eligible       how many hosts are candidates (the full answer's candidates' size)
 * @param hosts          how many other hosts were judged, candidates and rejected
 * @param candidates     the first {@code limit} candidates of the full answer, best score first
 * @param rejectedByCode hosts per rejection code (a host once per code it has), most hosts first,
 *                       then by code
 */
public record Shortlist(String vm, String sourceHost, String summary, int eligible, int hosts,
        List<Candidate> candidates, List<CodeCount> rejectedByCode) {

    /** How many rejected hosts carry a code. */
    public record CodeCount(String code, int hosts) {
    }

    /** Most hosts first, then by code, so the list reads like the summary and is deterministic. */
    static final Comparator<CodeCount> ORDER = Comparator.comparingInt(CodeCount::hosts).reversed()
            .thenComparing(CodeCount::code);

    /** The shortlist a full answer implies: what the fast path must equal, and its fallback. */
    public static Shortlist of(Placement full, int limit) {
        Map<String, Integer> byCode = new HashMap<>();
        for (HostRejection r : full.rejected()) {
            List<Rejection> reasons = r.reasons();
            for (int i = 0; i < reasons.size(); i++) {
                String code = reasons.get(i).code();
                if (reasons.subList(0, i).stream().noneMatch(x -> x.code().equals(code))) {
                    byCode.merge(code, 1, Integer::sum);
                }
            }
        }
        return new Shortlist(full.vm(), full.sourceHost(), full.summary(), full.candidates().size(),
                full.candidates().size() + full.rejected().size(),
                List.copyOf(full.candidates().subList(0, Math.min(limit, full.candidates().size()))),
                codeCounts(byCode));
    }

    static List<CodeCount> codeCounts(Map<String, Integer> byCode) {
        List<CodeCount> out = new ArrayList<>(byCode.size());
        byCode.forEach((code, n) -> out.add(new CodeCount(code, n)));
        out.sort(ORDER);
        return List.copyOf(out);
    }
}
