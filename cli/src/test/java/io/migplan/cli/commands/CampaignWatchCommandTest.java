package io.migplan.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.cli.Migplan;
import io.migplan.cli.client.CampaignEvents;
import io.migplan.cli.testsupport.StandIn;
import io.migplan.cli.testsupport.StandIn.Answer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code migplan campaign watch} against a stand-in scheduler's event stream. */
class CampaignWatchCommandTest {

    record Run(int exit, String out, String err) {
    }

    static Run watch(StandIn s, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--server", s.url(), "--token", "tok"));
        all.addAll(List.of(args));
        int exit = Migplan.commandLine(new Migplan(Map.of())).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    static final String MIGRATION_DONE = "id:2\nevent:MIGRATION_DONE\ndata:{\"campaign\":\"c1\",\"position\":2,"
            + "\"at\":\"2026-12-06T07:01:02.345Z\",\"kind\":\"MIGRATION_DONE\",\"state\":\"RUNNING\",\"host\":null,"
            + "\"vm\":\"vm-0042\",\"vmUuid\":\"6f1c\",\"migration\":\"m-7\",\"from\":\"host-03\",\"to\":\"host-07\","
            + "\"batch\":2,\"message\":\"migration m-7 of VM vm-0042 host-03 -> host-07 reported done by orch-a\"}\n\n";
    static final String HOST_DONE = "id:3\nevent:HOST_DONE\ndata:{\"campaign\":\"c1\",\"position\":3,"
            + "\"at\":\"2026-12-06T07:01:05Z\",\"kind\":\"HOST_DONE\",\"state\":\"RUNNING\",\"host\":\"host-03\","
            + "\"vm\":null,\"vmUuid\":null,\"migration\":null,\"from\":null,\"to\":null,\"batch\":2,"
            + "\"message\":\"host host-03 is upgraded and probed\",\"addedLater\":1}\n\n";

    static String end(long position, String state) {
        return "id:" + position + "\nevent:" + state + "\ndata:{\"campaign\":\"c1\",\"position\":" + position
                + ",\"at\":\"2026-12-06T07:02:00Z\",\"kind\":\"" + state + "\",\"state\":\"" + state
                + "\",\"message\":\"campaign c1 " + state + "\"}\n\n";
    }

    @Test
    void printsEachEventAsALineUntilTheCampaignCompletesAndExitsZero() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.stream(new LinkedBlockingQueue<>(List.of(":keep-alive\n\n",
                MIGRATION_DONE, HOST_DONE, end(4, "COMPLETED"), StandIn.END))))) {
            Run run = watch(s, "campaign", "watch", "c1", "--after", "1");

            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).isEqualTo("""
                    2026-12-06T07:01:02.345Z #2 MIGRATION_DONE VM vm-0042 host-03 -> host-07 (m-7): migration m-7 of VM\
                     vm-0042 host-03 -> host-07 reported done by orch-a
                    2026-12-06T07:01:05Z #3 HOST_DONE host host-03 (batch 2): host host-03 is upgraded and probed
                    2026-12-06T07:02:00Z #4 COMPLETED: campaign c1 COMPLETED
                    """);
            assertThat(s.requests).extracting(StandIn.Request::path).containsExactly("/api/v1/campaigns/c1/events?after=1");
        }
    }

    @Test
    void jsonPrintsEachEventsDataAsSentOneALine() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.stream(new LinkedBlockingQueue<>(List.of(MIGRATION_DONE,
                end(3, "ABORTED"), StandIn.END))))) {
            Run run = watch(s, "-o", "json", "campaign", "watch", "c1");

            assertThat(run.exit()).as("ABORTED is not done").isEqualTo(5);
            assertThat(run.out().lines()).hasSize(2).allMatch(l -> l.startsWith("{\"campaign\":\"c1\",\"position\":"));
        }
    }

    @Test
    void aDroppedStreamIsResumedAndEveryEventPrintedOnce() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (StandIn s = new StandIn(r -> Answer.stream(connections.incrementAndGet() == 1
                ? new LinkedBlockingQueue<>(List.of(MIGRATION_DONE, StandIn.CUT))
                : new LinkedBlockingQueue<>(List.of(HOST_DONE, end(4, "FAILED"), StandIn.END))))) {
            Run run = watch(s, "campaign", "watch", "c1");

            assertThat(run.exit()).isEqualTo(5);
            assertThat(run.out().lines().map(l -> l.split(" ")[1])).containsExactly("#2", "#3", "#4");
            assertThat(run.err()).contains("following again in 500 ms after event 2");
            assertThat(s.requests.get(1).header("Last-Event-ID")).isEqualTo("2");
        }
    }

    @Test
    void aWatchAfterTheEndAsksTheCampaignsStateForItsExitCode() throws Exception {
        try (StandIn s = new StandIn(r -> r.path().endsWith("/events")
                ? Answer.stream(new LinkedBlockingQueue<>(List.of(StandIn.END)))
                : Answer.json(200, "{\"id\":\"c1\",\"state\":\"COMPLETED\"}"))) {
            Run run = watch(s, "campaign", "watch", "c1", "--after", "40");

            assertThat(run.exit()).isZero();
            assertThat(run.out()).isEmpty();
        }
    }

    @Test
    void anUnknownCampaignIsRefusedAndANegativePositionIsAUsageError() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(404, "{\"code\":\"NOT_FOUND\",\"message\":\"no campaign with id 'c9'\"}"))) {
            Run run = watch(s, "campaign", "watch", "c9");
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.err()).contains("NOT_FOUND (HTTP 404): no campaign with id 'c9'");

            Run bad = watch(s, "campaign", "watch", "c9", "--after", "-1");
            assertThat(bad.exit()).isEqualTo(2);
            assertThat(bad.err()).contains("--after must be 0 or more, got -1");
            assertThat(s.requests).hasSize(1);
        }
    }

    @Test
    void aLineNamesTheMigrationOrTheHostOrNothingForAnEventOfTheWholeCampaign() {
        assertThat(CampaignWatchCommand.line(new CampaignEvents.Event("c1", 7, "t", "REPLANNED", "RUNNING", null, null,
                null, null, null, null, null, "planned again"))).isEqualTo("t #7 REPLANNED: planned again");
        assertThat(CampaignWatchCommand.exitCode("DRY_RUN")).isEqualTo(io.migplan.cli.ExitCode.NOT_DONE);
        assertThat(CampaignWatchCommand.exitCode("COMPLETED")).isEqualTo(io.migplan.cli.ExitCode.OK);
    }
}
