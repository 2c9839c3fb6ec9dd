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

/** {@code migplan campaign rollback} against a stand-in scheduler. */
class CampaignRollbackCommandTest {

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

    static final String VIEW = "{\"campaign\":\"c1\",\"state\":\"RUNNING\",\"fromRelease\":\"2025.1\",\"toRelease\":\"2025.2\","
            + "\"oldHosts\":7,\"batches\":["
            + "{\"batch\":1,\"figures\":{\"vms\":4,\"possible\":4,\"cannot\":0,\"incompatible\":0,\"noRoom\":0,\"unknown\":0}},"
            + "{\"batch\":2,\"figures\":{\"vms\":6,\"possible\":3,\"cannot\":2,\"incompatible\":1,\"noRoom\":1,\"unknown\":1}}],"
            + "\"total\":{\"vms\":10,\"possible\":7,\"cannot\":2,\"incompatible\":1,\"noRoom\":1,\"unknown\":1},"
            + "\"strandsAfterBatch\":2,\"unknownFromBatch\":2,\"vms\":["
            + "{\"vm\":\"vm-0007\",\"vmUuid\":\"u7\",\"host\":\"host-03\",\"batch\":2,\"verdict\":\"INCOMPATIBLE\","
            + "\"reasons\":[{\"code\":\"INCOMPATIBLE\",\"message\":\"host-09 refused: driver 550 cannot read 570 state\"}]}],"
            + "\"vmsNotListed\":2,\"versionRange\":{\"known\":false,\"range\":null,"
            + "\"why\":\"the stored verdicts carry no version range\",\"acceptedBack\":[],\"refusedBack\":[]}}";

    @Test
    void showsTheWayBackPerBatchAndWhereItStrandsAskingNoAgent() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(200, VIEW))) {
            Run r = run(s, "campaign", "rollback", "c1");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(s.requests).extracting(StandIn.Request::method, StandIn.Request::path)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("GET", "/api/v1/campaigns/c1/rollback"));
            assertThat(r.out()).contains("campaign c1 RUNNING: back from 2025.2 to 2025.1, 7 hosts at the old release")
                    .contains("a rollback after batch 2 or later would strand VMs")
                    .contains("unknown from batch 2")
                    .contains("vm-0007", "INCOMPATIBLE: host-09 refused: driver 550 cannot read 570 state")
                    .contains("… and 2 more VMs")
                    .contains("version range: the stored verdicts carry no version range");
            assertThat(r.out().lines().filter(l -> l.startsWith("total")).findFirst().orElseThrow())
                    .matches("total\\s+10\\s+7\\s+2\\s+1\\s+1\\s+1");
        }
    }

    @Test
    void probeAsksUntilNothingIsUnaskedThenShowsTheView() throws Exception {
        AtomicInteger probes = new AtomicInteger();
        try (StandIn s = new StandIn(r -> r.method().equals("POST")
                ? Answer.json(200, "{\"campaign\":\"c1\",\"asked\":16,\"stored\":30,\"failed\":["
                        + "{\"host\":\"host-11\",\"why\":\"UNAVAILABLE: connection refused\"}],\"stillUnasked\":"
                        + (probes.incrementAndGet() < 3 ? 5 : 0) + "}")
                : Answer.json(200, VIEW))) {
            Run r = run(s, "campaign", "rollback", "c1", "--probe");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(s.requests).extracting(StandIn.Request::path).containsExactly(
                    "/api/v1/campaigns/c1/rollback/probe", "/api/v1/campaigns/c1/rollback/probe",
                    "/api/v1/campaigns/c1/rollback/probe", "/api/v1/campaigns/c1/rollback");
            assertThat(r.err()).contains("asked 16 hosts, stored 30 verdicts, 5 questions still unasked")
                    .contains("host-11 did not answer: UNAVAILABLE: connection refused")
                    .contains("0 questions still unasked");
            assertThat(r.out()).contains("a rollback after batch 2 or later would strand VMs");
        }
    }

    @Test
    void aProbeRefusedForTheRoleStopsWithTheServersSentence() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(403,
                "{\"code\":\"FORBIDDEN\",\"message\":\"this call needs the role operator\"}"))) {
            Run r = run(s, "campaign", "rollback", "c1", "--probe");
            assertThat(r.exit()).isEqualTo(ExitCode.NOT_AUTHORISED.code());
            assertThat(r.err()).contains("this call needs the role operator");
            assertThat(s.requests).hasSize(1);
        }
    }

    @Test
    void jsonOutputIsTheViewAsSent() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(200, VIEW))) {
            Run r = run(s, "-o", "json", "campaign", "rollback", "c1");
            assertThat(r.exit()).isZero();
            assertThat(r.out().strip()).isEqualTo(VIEW);
        }
    }
}
