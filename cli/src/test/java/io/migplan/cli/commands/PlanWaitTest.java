package io.migplan.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.cli.ExitCode;
import io.migplan.cli.Migplan;
import io.migplan.cli.testsupport.StandIn;
import io.migplan.cli.testsupport.StandIn.Answer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code migplan campaign create --wait} and {@code migplan host drain} wait for a plan against a
 * stand-in scheduler: they poll the campaign's summary, which counts migrations, and read the full
 * view (which lists every migration) once at most, to print it at the end.
 */
class PlanWaitTest {

    record Run(int exit, String out, String err) {
    }

    static Run run(StandIn s, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--server", s.url(), "--token", "tok"));
        all.addAll(List.of(args));
        String[] argv = all.toArray(String[]::new);
        int exit = Migplan.commandLine(new Migplan(Map.of()), argv).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).execute(argv);
        return new Run(exit, out.toString(), err.toString());
    }

    static final String PLANNING = "{\"id\":\"%s\",\"state\":\"PLANNING\",\"planning\":{\"elapsedMillis\":1200,"
            + "\"waiting\":false,\"evacuations\":3}}";

    /**
     * A scheduler whose campaign {@code id} is PLANNING for {@code polls} summary reads, then {@code
     * settled}; its full view says {@code settled} with a migration listed.
     */
    static StandIn scheduler(String create, String id, int polls, String settled) throws Exception {
        AtomicInteger asked = new AtomicInteger();
        String full = "{\"id\":\"" + id + "\",\"state\":\"" + settled + "\",\"fromRelease\":\"2025.1\","
                + "\"toRelease\":\"2025.2\",\"planVersion\":1,\"failure\":\"no room\",\"batches\":[{\"index\":1,"
                + "\"hosts\":[\"host-01\"],\"state\":\"PENDING\",\"migrations\":[{\"id\":\"m1\",\"vm\":\"vm-1\"}]}]}";
        return new StandIn(r -> {
            if (r.method().equals("POST") && r.path().equals(create)) {
                return Answer.json(202, PLANNING.formatted(id));
            }
            if (r.path().equals("/api/v1/campaigns/" + id + "?view=summary")) {
                return Answer.json(200, asked.incrementAndGet() <= polls ? PLANNING.formatted(id)
                        : "{\"id\":\"" + id + "\",\"state\":\"" + settled + "\",\"migrations\":{\"PLANNED\":1}}");
            }
            if (r.path().equals("/api/v1/campaigns/" + id)) {
                return Answer.json(200, full);
            }
            return Answer.json(404, "{\"code\":\"NOT_FOUND\",\"message\":\"no " + r.path() + "\"}");
        });
    }

    static List<String> gets(StandIn s) {
        return s.requests.stream().filter(r -> r.method().equals("GET")).map(StandIn.Request::path).toList();
    }

    @Test
    void campaignCreateWaitPollsTheSummaryAndReadsTheFullViewOnceToPrintIt() throws Exception {
        try (StandIn s = scheduler("/api/v1/campaigns", "c1", 2, "DRY_RUN")) {
            Run r = run(s, "campaign", "create", "--from", "2025.1", "--to", "2025.2", "--dry-run", "--wait");
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK.code());
            assertThat(gets(s)).containsExactly("/api/v1/campaigns/c1?view=summary",
                    "/api/v1/campaigns/c1?view=summary", "/api/v1/campaigns/c1?view=summary", "/api/v1/campaigns/c1");
            assertThat(r.err()).contains("campaign c1 planning: ", "3 batch evacuations solved");
            assertThat(r.out()).contains("c1", "DRY_RUN");
        }
    }

    @Test
    void hostDrainPollsTheSummaryAndReadsTheFullViewOnlyToShowAFailedPlan() throws Exception {
        try (StandIn s = scheduler("/api/v1/evacuations", "e1", 1, "FAILED")) {
            Run r = run(s, "host", "drain", "host-01", "--executor", "simulator");
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.NOT_DONE.code());
            assertThat(gets(s)).containsExactly("/api/v1/campaigns/e1?view=summary",
                    "/api/v1/campaigns/e1?view=summary", "/api/v1/campaigns/e1");
            assertThat(r.err()).contains("evacuation e1 planning: ");
            assertThat(r.out()).contains("e1", "FAILED");
        }
    }
}
