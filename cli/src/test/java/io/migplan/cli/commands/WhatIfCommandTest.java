package io.migplan.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * {@code migplan what-if}: the packaged scheduler plans a fleet file and its JSON comes out as is;
 * what cannot be run is refused naming why. The planning itself is tested in the scheduler
 * ({@code OfflinePlanTest}); here, that the command finds and runs it.
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
    void thePackagedSchedulerPlansTheFileAndItsPlanIsPrinted(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isRegularFile(BUILT), "the scheduler is packaged (./mvnw -pl scheduler -am package)");
        Path file = dir.resolve("fleet.json");
        Files.writeString(file, FLEET);

        Run run = run("what-if", "--fleet", file.toString(), "--scheduler-jar", BUILT.toString(), "evacuate", "host-a");

        assertThat(run.status()).as(run.err()).isEqualTo(ExitCode.OK.code());
        JsonNode plan = new ObjectMapper().readTree(run.out());
        assertThat(plan.path("status").asText()).isEqualTo("READY");
        assertThat(plan.path("migrations")).singleElement().satisfies(m -> {
            assertThat(m.path("vm").asText()).isEqualTo("vm-1");
            assertThat(m.path("from").asText()).isEqualTo("host-a");
            assertThat(m.path("to").asText()).isEqualTo("host-b");
        });
    }

    @Test
    void aHostTheFileLacksIsTheSchedulersRefusalPassedThrough(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isRegularFile(BUILT), "the scheduler is packaged (./mvnw -pl scheduler -am package)");
        Path file = dir.resolve("fleet.json");
        Files.writeString(file, FLEET);

        Run run = run("what-if", "--fleet", file.toString(), "--scheduler-jar", BUILT.toString(), "evacuate", "host-z");

        assertThat(run.status()).isEqualTo(ExitCode.REFUSED.code());
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("hosts names 'host-z', which is not a known host");
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
