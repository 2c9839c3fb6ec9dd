package io.migplan.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.cli.Migplan;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class WarmupCommandTest {

    @Test
    void theWarmUpRunsEveryCommandItNamesToItsEnd() {
        assertThat(Migplan.commandLine(new Migplan(Map.of())).execute("warmup")).isZero();
    }

    @Test
    void itFollowsACampaignsEventsAsWatchDoes() {
        // campaign watch reads a stream of server-sent events: its classes belong in the archive too.
        assertThat(WarmupCommand.RUNS).anyMatch(args -> String.join(" ", args).equals("0 campaign watch c1"));
    }
}
