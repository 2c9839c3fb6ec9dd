package io.migplan.scheduler.console;

import io.migplan.scheduler.error.Rejection;
import io.migplan.scheduler.inventory.InventoryQueries.VmInfo;
import io.migplan.scheduler.placement.Placement;
import io.migplan.scheduler.placement.Shortlist;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The "where can this VM move" page's reading of the placement's answer ({@link Placement}, the one
 * {@code GET /api/v1/vms/{id}/targets} serves, and its {@link Shortlist}): the summary line, the best
 * candidates, and the rejected hosts grouped by the phrase each reason is counted under in the
 * summary ("older release", "no free nvidia-231"), each group with its hosts' sentences. A host
 * rejected for several reasons is in each of their groups. Decides nothing itself.
 */
public final class WhereCan {

    /** Candidates the page lists, as the API's summary view does by default. */
    static final int BEST = 10;

    private WhereCan() {
    }

    public record Candidate(String host, String href, String device, String score) {
    }

    public record HostReason(String host, String href, String code, String sentence) {
    }

    /** The rejected hosts sharing one phrase, most hosts first. */
    public record Group(String phrase, int hosts, List<HostReason> reasons) {
    }

    public record Content(VmInfo vm, String sourceHref, String summary, int eligible, int judged,
            List<Candidate> best, List<Shortlist.CodeCount> byCode, List<Group> groups) {
    }

    public static Content of(VmInfo vm, Placement full) {
        Shortlist shortlist = Shortlist.of(full, BEST);
        List<Candidate> best = shortlist.candidates().stream().map(c -> new Candidate(c.host(),
                FleetTiles.href(c.host()), c.device(), String.format(java.util.Locale.ROOT, "%.1f", c.score()))).toList();
        Map<String, List<HostReason>> byPhrase = new LinkedHashMap<>();
        for (Placement.HostRejection r : full.rejected()) {
            List<Rejection> reasons = r.reasons();
            for (int i = 0; i < reasons.size(); i++) {
                Rejection reason = reasons.get(i);
                List<HostReason> group = byPhrase.computeIfAbsent(reason.tally(), k -> new ArrayList<>());
                // A host once per phrase, as the summary counts it; its first sentence under that phrase.
                if (group.isEmpty() || !group.get(group.size() - 1).host().equals(r.host())) {
                    group.add(new HostReason(r.host(), FleetTiles.href(r.host()), reason.code(), reason.message()));
                }
            }
        }
        List<Group> groups = new ArrayList<>();
        byPhrase.forEach((phrase, reasons) -> {
            List<HostReason> sorted = new ArrayList<>(reasons);
            sorted.sort(Comparator.comparing(HostReason::host));
            groups.add(new Group(phrase, sorted.size(), List.copyOf(sorted)));
        });
        groups.sort(Comparator.comparingInt(Group::hosts).reversed().thenComparing(Group::phrase));
        return new Content(vm, FleetTiles.href(vm.host()), full.summary(), shortlist.eligible(), shortlist.hosts(),
                best, shortlist.rejectedByCode(), List.copyOf(groups));
    }
}
