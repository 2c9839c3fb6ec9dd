package io.migplan.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.cli.Migplan;
import io.migplan.cli.testsupport.StandIn;
import io.migplan.cli.testsupport.StandIn.Answer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code migplan hosts} and {@code migplan vms} against a stand-in scheduler that pages: each page
 * asked with the cursor the last one gave, rows printed under one header, JSON as one array; an
 * older scheduler's whole-list array taken as it is.
 */
class PagedListCommandTest {

    record Run(int exit, String out, String err) {
    }

    static Run migplan(StandIn s, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--server", s.url(), "--token", "tok"));
        all.addAll(List.of(args));
        String[] argv = all.toArray(String[]::new);
        int exit = Migplan.commandLine(new Migplan(Map.of()), argv).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).execute(argv);
        return new Run(exit, out.toString(), err.toString());
    }

    static String host(String id) {
        return "{\"id\":\"" + id + "\",\"release\":\"2025.1\",\"state\":\"UP\",\"adminState\":\"ACTIVE\","
                + "\"adminReason\":\"\",\"failureDomain\":\"rack-a\",\"cpus\":32,\"memoryMib\":131072,\"vmCount\":2,"
                + "\"deviceCount\":1}";
    }

    /** Pages of two hosts: h1 h2 | h3 h-with-a-longer-name | h5; the cursor names the page's last host. */
    static Answer pages(StandIn.Request r) {
        String path = r.path();
        if (path.endsWith("cursor=after-h2")) {
            return Answer.json(200, "{\"items\":[" + host("h3") + "," + host("h-with-a-longer-name")
                    + "],\"next\":\"after-h4\"}");
        }
        if (path.endsWith("cursor=after-h4")) {
            return Answer.json(200, "{\"items\":[" + host("h5") + "],\"next\":null}");
        }
        return Answer.json(200, "{\"items\":[" + host("h1") + "," + host("h2") + "],\"next\":\"after-h2\"}");
    }

    @Test
    void hostsFollowsTheCursorAndPrintsEveryPageUnderOneHeader() throws Exception {
        try (StandIn s = new StandIn(PagedListCommandTest::pages)) {
            Run run = migplan(s, "hosts", "--page-size", "2");

            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(s.requests).extracting(StandIn.Request::path).containsExactly("/api/v1/hosts?limit=2",
                    "/api/v1/hosts?limit=2&cursor=after-h2", "/api/v1/hosts?limit=2&cursor=after-h4");
            List<String> lines = run.out().lines().toList();
            assertThat(lines).hasSize(7);
            assertThat(lines.get(0)).startsWith("HOST  RELEASE");
            assertThat(lines.subList(1, 6)).extracting(l -> l.split(" +")[0])
                    .containsExactly("h1", "h2", "h3", "h-with-a-longer-name", "h5");
            assertThat(lines.get(6)).isEqualTo("5 hosts");
        }
    }

    @Test
    void jsonIsOneArrayOfEveryItem() throws Exception {
        try (StandIn s = new StandIn(PagedListCommandTest::pages)) {
            Run run = migplan(s, "-o", "json", "hosts", "--page-size", "2");

            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out()).findValuesAsText("id"))
                    .containsExactly("h1", "h2", "h3", "h-with-a-longer-name", "h5");
        }
    }

    @Test
    void anOlderSchedulersWholeListIsTheOnlyPage() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(200, "[{\"name\":\"vm-1\",\"uuid\":\"u1\",\"host\":\"h1\","
                + "\"vcpus\":2,\"memoryMib\":2048,\"devices\":[{\"uuid\":\"d\",\"typeId\":\"nvidia-231\"}]}]"))) {
            Run run = migplan(s, "vms");

            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(s.requests).extracting(StandIn.Request::path).containsExactly("/api/v1/vms?limit=500");
            assertThat(run.out()).contains("vm-1  u1    h1").contains("nvidia-231").endsWith("1 VM\n");
        }
    }

    @Test
    void aPageThatMakesNoProgressStopsTheWalk() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(200, "{\"items\":[],\"next\":\"again\"}"))) {
            Run run = migplan(s, "vms");

            assertThat(run.exit()).isNotZero();
            assertThat(run.err()).contains("names no progress");
            assertThat(s.requests).hasSize(1);
        }
    }

    @Test
    void aPageSizeOutsideOneToAThousandIsRefusedBeforeAnyCall() throws Exception {
        try (StandIn s = new StandIn(PagedListCommandTest::pages)) {
            Run run = migplan(s, "hosts", "--page-size", "0");

            assertThat(run.exit()).isNotZero();
            assertThat(run.err()).contains("--page-size must be from 1 to 1000, got 0");
            assertThat(s.requests).isEmpty();
        }
    }

    @Test
    void anEmptyFleetPrintsTheHeaderAndZero() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(200, "{\"items\":[],\"next\":null}"))) {
            Run run = migplan(s, "vms");

            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).isEqualTo("VM  UUID  HOST  VCPUS  MEMORY  DEVICES\n0 VMs\n");
        }
    }
}
