package io.migplan.cli.run;

import io.migplan.cli.output.Units;
import java.time.Duration;
import java.util.Locale;

/**
 * Where a {@code campaign run} stands, as its progress line shows it.
 *
 * @param elapsed   since the run started
 * @param done      migrations this run performed and reported done
 * @param failed    migrations this run reported failed
 * @param issued    migrations the scheduler issued to this run
 * @param inFlight  migrations issued to this run and not finished yet (queued or running)
 * @param upgrading upgrades this run started that the executor has not finished
 * @param settling  in flight from before this run (not performed again: settled at their deadline)
 * @param waiting   why nothing more can start now (the scheduler's sentences); the first is shown
 * @param batch     the batch of the latest migration issued; 0 before the first
 * @param hostsDone hosts finished (upgraded, rolled back, emptied), as the campaign counts them
 * @param hosts     hosts in the campaign
 * @param kind      the campaign's kind, which names what a finished host is
 * @param estimate  time left at the pace so far; null until something is done
 */
public record RunStatus(Duration elapsed, int done, int failed, int issued, int inFlight, int upgrading, int settling,
        java.util.List<String> waiting, int batch, int hostsDone, int hosts, CampaignKind kind, Duration estimate) {

    /** One line: counts first, then the first reason for waiting, cut to {@code width} characters. */
    public String line(int width) {
        StringBuilder s = new StringBuilder();
        s.append('[').append(Units.duration(elapsed)).append("] ")
                .append(String.format(Locale.ROOT, "done %d/%d issued", done, issued));
        if (failed > 0) {
            s.append(", ").append(failed).append(" failed");
        }
        s.append(", ").append(inFlight).append(" in flight");
        if (upgrading > 0) {
            s.append(", ").append(upgrading).append(" upgrading");
        }
        if (settling > 0) {
            s.append(", ").append(settling).append(" settling");
        }
        if (batch > 0) {
            s.append(" | batch ").append(batch);
        }
        s.append(" | hosts ").append(hostsDone).append('/').append(hosts).append(' ').append(kind.done());
        if (estimate != null) {
            s.append(" | ~").append(Units.duration(estimate)).append(" left");
        }
        if (!waiting.isEmpty()) {
            s.append(" | waiting: ").append(waiting.get(0));
            if (waiting.size() > 1) {
                s.append(" (+").append(waiting.size() - 1).append(')');
            }
        }
        String out = s.toString().replace('\n', ' ');
        return width > 1 && out.length() > width ? out.substring(0, width - 1) + "…" : out;
    }

    /**
     * Time left if the rest goes at the pace so far: the share of the work done is the hosts
     * finished and migrations done over the hosts and migrations planned.
     */
    public static Duration estimate(Duration elapsed, int hostsDone, int hosts, int migrationsDone, int migrationsPlanned) {
        int total = hosts + migrationsPlanned;
        int doneSoFar = hostsDone + Math.min(migrationsDone, migrationsPlanned);
        if (doneSoFar <= 0 || total <= 0) {
            return null;
        }
        if (doneSoFar >= total) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(elapsed.toMillis() * (total - doneSoFar) / doneSoFar);
    }
}
