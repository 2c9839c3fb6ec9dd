package io.migplan.scheduler.console;

import io.migplan.scheduler.campaign.CampaignOverview;
import io.migplan.scheduler.campaign.CampaignView;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the campaign page draws from a campaign's overview: each batch as a bar of the timeline
 * (canary first, as the plan numbers them), its migrations split by state into shares of the
 * bar; the figures of the migrations-per-VM chart; and which actions the campaign's state allows.
 * A pure function of the overview; it decides nothing about the campaign.
 */
public final class CampaignTimeline {

    /** States after which nothing more happens to a campaign: the page stops following it. */
    static final Set<String> FINAL = Set.of("COMPLETED", "ABORTED", "FAILED", "DRY_RUN");

    private CampaignTimeline() {
    }

    /**
     * One bar: the batch's label, and the share of its migrations in each state as CSS widths
     * ("12.5%"); a batch without migrations is drawn by its state alone.
     */
    public record Bar(int index, String label, String state, int hosts, int migrations, String done, String issued,
            String failed, String planned, String hostList) {
    }

    /** One bar of the chart: a name and migrations per VM. */
    public record Figure(String name, double perVm, int migrations) {

        public String perVmText() {
            return String.format(Locale.ROOT, "%.3f", perVm);
        }
    }

    /**
     * @param finished whether the campaign has ended (nothing more will happen: the page stops following)
     * @param figures  the lower bound, the plan and the naive order, per VM; empty without a plan
     */
    public record View(List<Bar> bars, List<Figure> figures, boolean finished, boolean mayPause, boolean mayResume,
            boolean mayAbort, boolean mayStart, String progress) {

        /** The chart's names, as a JSON array for the page's script. */
        public String chartNames() {
            return json(figures.stream().map(f -> "\"" + f.name() + "\"").toList());
        }

        /** The chart's values (migrations per VM), as a JSON array. */
        public String chartValues() {
            return json(figures.stream().map(Figure::perVmText).toList());
        }

        private static String json(List<String> items) {
            return "[" + String.join(",", items) + "]";
        }
    }

    /** The page's picture of {@code c}. */
    public static View of(CampaignOverview.Overview c) {
        List<Bar> bars = c.batches().stream().map(CampaignTimeline::bar).toList();
        String state = c.state();
        return new View(bars, figures(c.metrics()), FINAL.contains(state), state.equals("RUNNING"),
                state.equals("PAUSED"), state.equals("RUNNING") || state.equals("PAUSED"), state.equals("DRY_RUN"),
                progress(c.progress()));
    }

    static Bar bar(CampaignOverview.Batch b) {
        int n = b.migrations();
        String label = "Batch " + b.index() + (b.canary() ? " · canary" : "") + " · " + b.hosts().size()
                + (b.hosts().size() == 1 ? " host" : " hosts") + " · " + n + (n == 1 ? " migration" : " migrations");
        return new Bar(b.index(), label, b.state(), b.hosts().size(), n, share(b.done(), n), share(b.issued(), n),
                share(b.failed(), n), share(b.planned(), n), String.join(", ", b.hosts()));
    }

    static String share(int part, int whole) {
        return whole == 0 ? "0%" : String.format(Locale.ROOT, "%.2f%%", 100.0 * part / whole);
    }

    /**
     * The chart's bars: this plan, the lower bound and the naive order (what was done so far is the
     * progress line's, which the live updates redraw). The naive order's name says how many hosts it
     * could not empty: its migrations count only the others.
     */
    static List<Figure> figures(CampaignView.Metrics m) {
        if (m == null || m.vms() == 0) {
            return List.of();
        }
        double vms = m.vms();
        return List.of(new Figure("lower bound", m.lowerBound() / vms, m.lowerBound()),
                new Figure("this plan", m.migrationsPerVm(), m.migrations()),
                new Figure(m.naive().blocked() == 0 ? "naive order" : "naive order, " + m.naive().blocked()
                        + (m.naive().blocked() == 1 ? " host" : " hosts") + " not emptied",
                        m.naive().migrationsPerVm(), m.naive().migrations()));
    }

    /** The progress line: hosts and migrations done, in flight and failed. */
    static String progress(CampaignView.Progress p) {
        return String.format(Locale.ROOT, "%d of %d hosts done · %d migrations done, %d in flight, %d failed"
                + " · %.3f migrations per VM so far", p.hostsDone(), p.hosts(), p.migrationsDone(), p.inFlight(),
                p.migrationsFailed(), p.migrationsPerVm());
    }
}
