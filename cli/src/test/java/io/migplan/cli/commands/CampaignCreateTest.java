package io.migplan.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code migplan campaign create}'s request body, and how a rollback campaign reads. */
class CampaignCreateTest {

    static Map<String, Object> body(String... args) {
        CampaignCommand.Create create = new CampaignCommand.Create();
        new CommandLine(create).parseArgs(args);
        return create.body();
    }

    @Test
    void rollbackAsksForACampaignBackToTheOldReleaseByName() {
        assertThat(body("--from", "2025.2", "--to", "2025.1", "--rollback")).containsEntry("rollback", true)
                .containsEntry("fromRelease", "2025.2").containsEntry("toRelease", "2025.1");
    }

    @Test
    void withoutItTheBodySaysNothingOfRollback() {
        assertThat(body("--from", "2025.1", "--to", "2025.2")).doesNotContainKey("rollback");
    }

    @Test
    void aRollbackCampaignSaysSoBesideItsReleases() throws Exception {
        String text = CampaignCommand.render(new ObjectMapper().readTree("""
                {"id":"camp-1","state":"RUNNING","kind":"ROLLBACK","fromRelease":"2025.2","toRelease":"2025.1",
                 "planVersion":1,"dryRun":false}"""));
        assertThat(text).startsWith("campaign camp-1 RUNNING: 2025.2 -> 2025.1 (rollback), plan v1\n");
    }
}
