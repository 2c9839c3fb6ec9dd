package io.migplan.scheduler.placement;

import io.migplan.scheduler.placement.Placement.HostRejection;
import io.migplan.scheduler.error.Rejection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The diagnosis in one sentence, as kube-scheduler gives it: "1/3 hosts eligible: 1 no free
 * nvidia-231, 1 stale". Each rejected host counts once per distinct phrase, so the numbers
 * may add up to more than the rejected hosts; most frequent phrases first.
 */
public final class Summary {

    private Summary() {
    }

    public static String of(int eligible, List<HostRejection> rejected) {
        // Counted in a hash map: the phrases are sorted once below, not on every one of
        // thousands of rejections.
        Map<String, Long> counts = new HashMap<>();
        for (HostRejection r : rejected) {
            List<Rejection> reasons = r.reasons();
            for (int i = 0; i < reasons.size(); i++) {
                String tally = reasons.get(i).tally();
                if (!seenBefore(reasons, i, tally)) {
                    counts.merge(tally, 1L, Long::sum);
                }
            }
        }
        return of(eligible, eligible + rejected.size(), counts);
    }

    /**
     * The same sentence from counts already made: {@code hostsByPhrase} says how many rejected
     * hosts gave each phrase (a host once per phrase), {@code total} how many hosts were judged.
     */
    public static String of(int eligible, int total, Map<String, Long> hostsByPhrase) {
        if (total == 0) {
            return "0/0 hosts eligible: no other host is known";
        }
        String head = eligible + "/" + total + " hosts eligible";
        if (hostsByPhrase.isEmpty()) {
            return head;
        }
        return head + ": " + hostsByPhrase.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
    }

    /** Whether a reason before {@code i} has the same phrase: a host has a handful of reasons at most. */
    private static boolean seenBefore(List<Rejection> reasons, int i, String tally) {
        for (int j = 0; j < i; j++) {
            if (reasons.get(j).tally().equals(tally)) {
                return true;
            }
        }
        return false;
    }
}
