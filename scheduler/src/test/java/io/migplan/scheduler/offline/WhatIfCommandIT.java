package io.migplan.scheduler.offline;

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
 * {@code migplan what-if} runs the packaged scheduler (this module's build output, after {@code
 * package}: hence an IT) on a fleet file: its plan comes out as is, its refusal too. The planning
 * itself is tested in {@code OfflinePlanTest}.
 */
class WhatIfCommandIT {

    /** The scheduler as this module's build packages it, as the other ITs find it. */
    static final Path BUILT = Path.of(System.getProperty("migplan.it.scheduler-jar", "target/quarkus-app/quarkus-run.jar"));

    @org.junit.jupiter.api.BeforeAll
    static void theSchedulerIsPackaged() {
        assertThat(BUILT).as("the packaged scheduler (run the ITs after package)").isRegularFile();
    }

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
        int status = Migplan.commandLine(new Migplan(Map.of())).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void thePackagedSchedulerPlansTheFileAndItsPlanIsPrinted(@TempDir Path dir) throws Exception {
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
        assertThat(dir.resolve("fleet.json" + FleetCache.SUFFIX)).as("the cache a repeated plan reads").isRegularFile();
        Run again = run("what-if", "--fleet", file.toString(), "--scheduler-jar", BUILT.toString(), "evacuate", "host-a");
        assertThat(again.status()).as(again.err()).isEqualTo(ExitCode.OK.code());
        assertThat(new ObjectMapper().readTree(again.out()).path("migrations")).isEqualTo(plan.path("migrations"));
    }

    @Test
    void withNoCacheThePlanIsMadeFromTheFileAndNothingIsWritten(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("fleet.json");
        Files.writeString(file, FLEET);

        Run run = run("what-if", "--fleet", file.toString(), "--scheduler-jar", BUILT.toString(), "--no-cache",
                "evacuate", "host-a");

        assertThat(run.status()).as(run.err()).isEqualTo(ExitCode.OK.code());
        assertThat(new ObjectMapper().readTree(run.out()).path("migrations")).hasSize(1);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void aHostTheFileLacksIsTheSchedulersRefusalPassedThrough(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("fleet.json");
        Files.writeString(file, FLEET);

        Run run = run("what-if", "--fleet", file.toString(), "--scheduler-jar", BUILT.toString(), "evacuate", "host-z");

        assertThat(run.status()).isEqualTo(ExitCode.REFUSED.code());
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("hosts names 'host-z', which is not a known host");
    }
}
