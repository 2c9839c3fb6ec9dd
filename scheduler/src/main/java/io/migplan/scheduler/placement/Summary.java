package io.migplan.scheduler.placement;

import io.migplan.scheduler.placement.Placement.HostRejection;
import io.migplan.scheduler.placement.filter.Reason;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
        int total = eligible + rejected.size();
        if (total == 0) {
            return "0/0 hosts eligible: no other host is known";
        }
        Map<String, Long> counts = new TreeMap<>();
        for (HostRejection r : rejected) {
            r.reasons().stream().map(Reason::tally).distinct().forEach(t -> counts.merge(t, 1L, Long::sum));
        }
        String head = eligible + "/" + total + " hosts eligible";
        if (counts.isEmpty()) {
            return head;
        }
        return head + ": " + counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
    }
}
