package io.migplan.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.cli.ExitCode;
import io.migplan.cli.Migplan;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code migplan what-if}: what cannot be run is refused naming why, before any scheduler is
 * started. That the command runs the packaged scheduler and passes its plan through is tested
 * where the scheduler is packaged ({@code WhatIfCommandIT}); the planning itself in {@code OfflinePlanTest}.
 */
class WhatIfCommandTest {

    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Migplan.commandLine(new Migplan(Map.of())).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void aSchedulerJarThatIsNotThereIsAUsageErrorNamingIt(@TempDir Path dir) {
        Run run = run("what-if", "--fleet", "f.json", "--scheduler-jar", dir.resolve("none.jar").toString(),
                "evacuate", "host-a");

        assertThat(run.status()).isEqualTo(ExitCode.USAGE.code());
        assertThat(run.err()).contains("--scheduler-jar " + dir.resolve("none.jar") + " is not a file");
    }

    @Test
    void nothingToPlanIsAUsageErrorSayingWhatToGive() {
        Run run = run("what-if", "--fleet", "f.json");

        assertThat(run.status()).isEqualTo(ExitCode.USAGE.code());
        assertThat(run.err()).contains("give what to plan after the options: evacuate HOST… or campaign");
    }

    @Test
    void aHeapThatIsNoSizeIsAUsageError() {
        Run run = run("what-if", "--fleet", "f.json", "--heap", "lots", "evacuate", "host-a");

        assertThat(run.status()).isEqualTo(ExitCode.USAGE.code());
        assertThat(run.err()).contains("--heap must be a size such as 512m or 2g, got 'lots'");
    }
}
