package io.migplan.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.migplan.cli.ExitCode;
import io.migplan.cli.Migplan;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
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

    /** The scheduler as this repository's build packages it, from the cli module's folder. */
    static final Path BUILT = Path.of("../scheduler/target/quarkus-app/quarkus-run.jar");

    /** Two hosts of one release; host-a runs one VM without devices, host-b none. */
    static final String FLEET = "{\"format\":\"migplan-fleet\",\"version\":1,\"takenAt\":\"2026-12-06T07:00:00Z\","
            + "\"hostCount\":2,\"hosts\":["
            + "{\"id\":\"host-a\",\"state\":\"UP\",\"adminState\":\"ACTIVE\",\"adminReason\":\"\",\"inventory\":{\"host\":"
            + "{\"id\":\"host-a\",\"release\":\"2025.1\",\"cpus\":16,\"memoryMib\":\"65536\"},\"vms\":[{\"name\":\"vm-1\","
            + "\"uuid\":\"0b9f4a3c-5f0e-4c1d-9a57-3d2f1e6b7a01\",\"vcpus\":4,\"memoryMib\":\"4096\"}]},\"verdicts\":[]},"
            + "{\"id\":\"host-b\",\"state\":\"UP\",\"adminState\":\"ACTIVE\",\"adminReason\":\"\",\"inventory\":{\"host\":"
            + "{\"id\":\"host-b\",\"release\":\"2025.1\",\"cpus\":16,\"memoryMib\":\"65536\"}},\"verdicts\":[]}]}";

    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = new CommandLine(new Migplan(Map.of())).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
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
