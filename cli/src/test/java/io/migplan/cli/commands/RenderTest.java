package io.migplan.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.migplan.cli.run.CampaignDriver;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The text forms people read, from the scheduler's JSON. */
class RenderTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void whereCanSummaryShowsTheDecisionCandidatesAndRejectionsByCode() throws Exception {
        String text = WhereCanCommand.renderSummary(JSON.readTree("""
                {"vm":"vm-1","summary":"2/40 hosts eligible: 31 older release, 7 no free nvidia-231","eligible":2,
                 "hosts":40,"candidates":[{"host":"host-07","device":"0000:3b:00.0","score":0.875},
                 {"host":"host-12","device":"0000:af:00.0","score":0.5}],
                 "rejectedByCode":[{"code":"OLDER_RELEASE","hosts":31},{"code":"NO_FREE_INSTANCE","hosts":7}]}"""));
        assertThat(text).isEqualTo("""
                2/40 hosts eligible: 31 older release, 7 no free nvidia-231
                CANDIDATE  DEVICE        SCORE
                host-07    0000:3b:00.0   0.88
                host-12    0000:af:00.0   0.50
                rejected: 31 OLDER_RELEASE, 7 NO_FREE_INSTANCE
                """);
    }

    @Test
    void whereCanFullListsEachRejectedHostWithItsSentences() throws Exception {
        String text = WhereCanCommand.renderFull(JSON.readTree("""
                {"summary":"0/1 hosts eligible","candidates":[],"rejected":[{"host":"host-02","reasons":[
                {"code":"OLDER_RELEASE","message":"host host-02 runs 2025.0, older than 2025.1"}]}]}"""));
        assertThat(text).contains("REJECTED  REASONS\nhost-02   OLDER_RELEASE: host host-02 runs 2025.0, older than 2025.1\n")
                .doesNotContain("CANDIDATE");
    }

    @Test
    void aPlanShowsItsFiguresMigrationsAndUnplacedVms() throws Exception {
        String text = PlanCommand.render(JSON.readTree("""
                {"id":"plan-1","status":"INFEASIBLE","error":"","migrations":[{"vm":"a","from":"h1","to":"h2","device":"0000:3b:00.0","wave":0}],
                 "unplaced":[{"vm":"b","from":"h1","reasons":[{"code":"NO_FREE_INSTANCE","message":"no room"}]}],
                 "metrics":{"migrations":1,"waves":1,"unplaced":1,"hostsTouched":2,"solveMillis":1500}}"""));
        assertThat(text).startsWith("plan plan-1 INFEASIBLE: 1 migrations in 1 waves, 1 unplaced, 2 hosts touched,"
                + " solved in 1s\n").contains("   0  a   h1    h2  0000:3b:00.0").contains("b         h1    NO_FREE_INSTANCE: no room").doesNotContain("error");
    }

    @Test
    void planningProgressNamesThePhaseOnlyWhenKnown() throws Exception {
        assertThat(CampaignCommand.Create.planning(JSON.readTree("""
                {"id":"camp-1","planning":{"elapsedMillis":6000,"waiting":false,"evacuations":3,"phase":""}}""")))
                .isEqualTo("campaign camp-1 planning: 6s, 3 batch evacuations solved");
        assertThat(CampaignCommand.Create.planning(JSON.readTree("""
                {"id":"camp-1","planning":{"elapsedMillis":0,"waiting":true,"evacuations":0,"phase":"camp-1-v1-b2-r1"}}""")))
                .isEqualTo("campaign camp-1 planning: 0s, waiting for a solver, 0 batch evacuations solved (camp-1-v1-b2-r1)");
    }

    @Test
    void aCampaignShowsStateProgressAndBatches() throws Exception {
        String text = CampaignCommand.render(JSON.readTree("""
                {"id":"camp-1","state":"RUNNING","fromRelease":"2025.1","toRelease":"2025.2","planVersion":1,"dryRun":false,
                 "progress":{"hosts":4,"hostsDone":1,"migrationsDone":3,"migrationsFailed":0,"inFlight":2,"migrationsPerVm":1.0},
                 "batches":[{"index":1,"hosts":["h1"],"canary":true,"state":"DONE","migrations":[{"state":"DONE"}]},
                            {"index":2,"hosts":["h2","h3"],"canary":false,"state":"RUNNING","migrations":[{"state":"DONE"},{"state":"ISSUED"}]}],
                 "history":[{"at":"2026-12-06T06:00:00Z","kind":"PLANNED","message":"planned"}]}"""));
        assertThat(text).startsWith("campaign camp-1 RUNNING: 2025.1 -> 2025.2, plan v1\n")
                .contains("progress: 1/4 hosts upgraded, 3 migrations done, 0 failed, 2 in flight, 1.00 per VM")
                .contains("1 canary  DONE     h1            1/1\n2         RUNNING  h2,h3         1/2\n")
                .contains("PLANNED: planned");
    }

    @Test
    void aCampaignsProgressNamesTheHostsDoneByItsKind() throws Exception {
        String progress = """
                "progress":{"hosts":3,"hostsDone":1,"migrationsDone":2,"migrationsFailed":0,"inFlight":1,"migrationsPerVm":1.0}""";
        assertThat(CampaignCommand.render(JSON.readTree("""
                {"id":"camp-2","kind":"ROLLBACK","state":"RUNNING","fromRelease":"2025.2","toRelease":"2025.1","planVersion":1,
                 %s}""".formatted(progress))))
                .startsWith("campaign camp-2 RUNNING: 2025.2 -> 2025.1 (rollback), plan v1\n")
                .contains("progress: 1/3 hosts rolled back, 2 migrations done, 0 failed, 1 in flight, 1.00 per VM");
        assertThat(CampaignCommand.render(JSON.readTree("""
                {"id":"evacuation-1","kind":"EVACUATION","reason":"fans","state":"RUNNING","planVersion":1,
                 %s}""".formatted(progress))))
                .startsWith("evacuation evacuation-1 RUNNING: to maintenance (fans), plan v1\n")
                .contains("progress: 1/3 hosts emptied and in maintenance, 2 migrations done");
    }

    @Test
    void aRunSummaryNamesTheHostsDoneByTheCampaignsKind() {
        for (var kind : Map.of("ROLLBACK", "campaign camp-1 COMPLETED after 5s\nhosts rolled back: 3/3;",
                "EVACUATION", "evacuation camp-1 COMPLETED after 5s\nhosts emptied and in maintenance: 3/3;").entrySet()) {
            var view = new io.migplan.cli.client.ApiClient.Answer(200, """
                    {"kind":"%s","state":"COMPLETED","progress":{"hosts":3,"hostsDone":3,"migrationsDone":4,"migrationsFailed":0,
                     "migrationsPerVm":1.0}}""".formatted(kind.getKey()));
            var o = new CampaignDriver.Outcome(CampaignDriver.End.CAMPAIGN_ENDED, "COMPLETED", 4, 0, 3, 0, 0,
                    Map.of(), view, null, Duration.ofSeconds(5), 7, true);
            assertThat(CampaignRunCommand.summary("camp-1", o)).startsWith(kind.getValue());
        }
    }

    @Test
    void aRunSummaryGivesHostsMigrationsAndMovesPerVm() {
        var view = new io.migplan.cli.client.ApiClient.Answer(200, """
                {"state":"COMPLETED","progress":{"hosts":40,"hostsDone":40,"migrationsDone":120,"migrationsFailed":1,"migrationsPerVm":1.01},
                 "metrics":{"vms":119,"migrations":120,"migrationsPerVm":1.0084,"movedTwice":1,"lowerBound":119,
                            "naive":{"migrations":124,"migrationsPerVm":1.042,"movedTwice":5}}}""");
        var o = new CampaignDriver.Outcome(CampaignDriver.End.CAMPAIGN_ENDED, "COMPLETED", 120, 1, 40, 0, 0,
                Map.of("u1", 1, "u2", 1, "u3", 2), view, null, Duration.ofSeconds(95), 212, true);
        assertThat(CampaignRunCommand.summary("camp-1", o)).isEqualTo("""
                campaign camp-1 COMPLETED after 1m35s
                hosts upgraded: 40/40; migrations done: 120, failed: 1; migrations per VM: 1.01
                the plan: 120 migrations for 119 VMs (1.008 per VM, 1 moved twice); lower bound 119 (1.000); naive order 124 (1.042, 5 moved twice)
                this run: 120 migrations performed, 1 failed; 40 upgrades started; asked for work 212 times (following the campaign's events)
                VMs moved by this run: 2 VMs once, 1 VM 2 times
                """);
        assertThat(CampaignRunCommand.exitCode(o)).isEqualTo(io.migplan.cli.ExitCode.OK);
    }
}
