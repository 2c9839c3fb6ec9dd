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
}
