package io.migplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.cli.testsupport.StandIn;
import io.migplan.cli.testsupport.StandIn.Answer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Option parsing and exit codes of the whole command, against a stand-in scheduler. */
class MigplanTest {

    record Run(int exit, String out, String err) {
    }

    static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Migplan.commandLine(new Migplan(env), args).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static final String HOSTS = "[{\"id\":\"host-01\",\"release\":\"2025.1\",\"state\":\"UP\",\"adminState\":\"ACTIVE\","
            + "\"failureDomain\":\"rack-a\",\"cpus\":64,\"memoryMib\":524288,\"vmCount\":3,\"deviceCount\":3}]";

    @Test
    void globalOptionsCountBeforeOrAfterTheCommand() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(200, HOSTS))) {
            Run before = run(Map.of(), "--server", s.url(), "--token", "a", "hosts");
            Run after = run(Map.of(), "hosts", "--server", s.url(), "--token", "b");
            assertThat(before.exit()).as(before.err()).isZero();
            assertThat(after.exit()).as(after.err()).isZero();
            assertThat(s.requests).extracting(StandIn.Request::authorization).containsExactly("Bearer a", "Bearer b");
            assertThat(before.out()).contains("host-01", "2025.1", "512 GiB").endsWith("1 host\n");
        }
    }

    @Test
    void theTokenComesFromTheOptionTheFileOrTheEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "from-file\n");
        try (StandIn s = new StandIn(r -> Answer.json(200, "[]"))) {
            assertThat(run(Map.of("MIGPLAN_TOKEN", "from-env"), "--server", s.url(), "hosts").exit()).isZero();
            assertThat(run(Map.of("MIGPLAN_TOKEN", "from-env"), "--server", s.url(), "--token-file", file.toString(),
                    "vms").exit()).isZero();
            assertThat(s.requests).extracting(StandIn.Request::authorization)
                    .containsExactly("Bearer from-env", "Bearer from-file");
        }
    }

    @Test
    void bothTokenOptionsAreAUsageErrorAndNothingIsSent() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(200, "[]"))) {
            Run r = run(Map.of(), "--server", s.url(), "--token", "a", "--token-file", "/nonexistent", "hosts");
            assertThat(r.exit()).isEqualTo(ExitCode.USAGE.code());
            assertThat(r.err()).contains("give --token or --token-file, not both");
            assertThat(s.requests).isEmpty();
        }
    }

    @Test
    void aServerThatIsNotAnHttpUrlIsAUsageError() {
        Run r = run(Map.of(), "--server", "localhost:8080", "hosts");
        assertThat(r.exit()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).contains("--server must be an http:// or https:// URL");
    }

    @Test
    void anUnknownOutputFormIsAUsageError() {
        Run r = run(Map.of(), "-o", "yaml", "hosts");
        assertThat(r.exit()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).contains("yaml");
    }

    @Test
    void jsonOutputIsTheServersBodyAsSent() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(200, HOSTS))) {
            Run r = run(Map.of(), "--server", s.url(), "-o", "json", "hosts");
            assertThat(r.out()).isEqualTo(HOSTS + "\n");
        }
    }

    @Test
    void aRefusalPrintsTheServersSentenceAndExitsWithItsCode() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(403, "{\"code\":\"PERMISSION_DENIED\",\"message\":\"'v' (roles"
                + " [viewer]) may not call PUT /api/v1/hosts/{id}/admin-state\"}"))) {
            Run r = run(Map.of(), "--server", s.url(), "host", "admin-state", "host-01", "draining", "--reason", "fan");
            assertThat(r.exit()).isEqualTo(ExitCode.NOT_AUTHORISED.code());
            assertThat(r.err()).contains("PERMISSION_DENIED (HTTP 403): 'v' (roles [viewer]) may not call");
            assertThat(s.requests.get(0).body()).isEqualTo("{\"state\":\"DRAINING\",\"reason\":\"fan\"}");
        }
    }

    @Test
    void aBadAdminStateIsRefusedBeforeAnythingIsSent() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(200, "{}"))) {
            Run r = run(Map.of(), "--server", s.url(), "host", "admin-state", "host-01", "asleep");
            assertThat(r.exit()).isEqualTo(ExitCode.USAGE.code());
            assertThat(r.err()).contains("'asleep' is not one of ACTIVE, DRAINING, MAINTENANCE");
            assertThat(s.requests).isEmpty();
        }
    }

    @Test
    void whereCanAsksForTheSummaryUnlessFull() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(200, "{\"summary\":\"1/2 hosts eligible\",\"candidates\":[],"
                + "\"rejected\":[],\"rejectedByCode\":[]}"))) {
            assertThat(run(Map.of(), "--server", s.url(), "where-can", "vm 1").exit()).isZero();
            assertThat(run(Map.of(), "--server", s.url(), "where-can", "vm-1", "--limit", "3").exit()).isZero();
            assertThat(run(Map.of(), "--server", s.url(), "where-can", "vm-1", "--full").exit()).isZero();
            assertThat(run(Map.of(), "--server", s.url(), "where-can", "vm-1", "--full", "--limit", "3").exit())
                    .isEqualTo(ExitCode.USAGE.code());
            assertThat(s.requests).extracting(StandIn.Request::path).containsExactly(
                    "/api/v1/vms/vm%201/targets?view=summary", "/api/v1/vms/vm-1/targets?view=summary&limit=3",
                    "/api/v1/vms/vm-1/targets");
        }
    }

    @Test
    void campaignCreateSendsThePolicyItWasGiven() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(202, "{\"id\":\"camp-1\",\"state\":\"PLANNING\"}"))) {
            Run r = run(Map.of(), "--server", s.url(), "campaign", "create", "--from", "2025.1", "--to", "2025.2",
                    "--hosts", "h1,h2", "--max-hosts-in-maintenance", "10%", "--max-parallel", "4", "--dry-run");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("campaign camp-1 PLANNING");
            assertThat(s.requests.get(0).body()).isEqualTo("{\"fromRelease\":\"2025.1\",\"toRelease\":\"2025.2\","
                    + "\"hosts\":[\"h1\",\"h2\"],\"policy\":{\"maxHostsInMaintenance\":\"10%\",\"maxParallel\":4},"
                    + "\"dryRun\":true}");
            Run both = run(Map.of(), "--server", s.url(), "campaign", "create", "--from", "1", "--to", "2", "--hosts",
                    "h1", "--selector", "pool=a");
            assertThat(both.exit()).isEqualTo(ExitCode.USAGE.code());
            assertThat(s.requests).hasSize(1);
        }
    }

    @Test
    void anUnknownExecutorIsAUsageErrorListingTheKnownOnes() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(200, "{\"id\":\"camp-1\",\"state\":\"RUNNING\"}"))) {
            Run r = run(Map.of(), "--server", s.url(), "campaign", "run", "camp-1", "--executor", "teleport");
            assertThat(r.exit()).isEqualTo(ExitCode.USAGE.code());
            assertThat(r.err()).contains("unknown executor 'teleport': one of simulator, libvirt, command");
            Run noAddress = run(Map.of(), "--server", s.url(), "campaign", "run", "camp-1", "--executor", "simulator");
            assertThat(noAddress.exit()).isEqualTo(ExitCode.USAGE.code());
            assertThat(noAddress.err()).contains("--executor simulator needs --simulator HOST:PORT");
            assertThat(s.requests).extracting(StandIn.Request::method).containsOnly("GET");
        }
    }

    @Test
    void aFlagOfAnotherExecutorIsAUsageErrorNamingItsExecutor() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(200, "{\"id\":\"camp-1\",\"state\":\"RUNNING\"}"))) {
            Run r = run(Map.of(), "--server", s.url(), "campaign", "run", "camp-1", "--executor", "simulator",
                    "--simulator", "127.0.0.1:1", "--virsh", "/usr/bin/virsh");
            assertThat(r.exit()).isEqualTo(ExitCode.USAGE.code());
            assertThat(r.err()).contains("--virsh applies to --executor libvirt, not simulator");
            Run noProgram = run(Map.of(), "--server", s.url(), "campaign", "run", "camp-1", "--executor", "command");
            assertThat(noProgram.exit()).isEqualTo(ExitCode.USAGE.code());
            assertThat(noProgram.err()).contains("--executor command needs --command PROG");
            assertThat(s.requests).extracting(StandIn.Request::method).containsOnly("GET");
        }
    }

    @Test
    void theCommandExecutorRunsTheUsersProgramForWhatTheCampaignIssues(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("calls");
        Path program = dir.resolve("migrate.sh");
        Files.writeString(program, "#!/bin/sh\necho \"$@\" >> " + log + "\ncat >> " + log + "\necho >> " + log + "\n");
        program.toFile().setExecutable(true);
        String action = "{\"id\":\"m-1\",\"vm\":\"vm-1\",\"vmUuid\":\"6f1e3c1a-0000-4000-8000-000000000001\","
                + "\"from\":\"host-01\",\"to\":\"host-02\",\"parents\":[\"0000:3b:00.0\"],\"types\":[\"nvidia-231\"],"
                + "\"batch\":1,\"wave\":1,\"reservations\":[7],\"deadline\":null}";
        int[] nexts = {0};
        try (StandIn s = new StandIn(r -> {
            if (r.path().endsWith("/next")) {
                return Answer.json(200, nexts[0]++ == 0
                        ? "{\"campaign\":\"camp-1\",\"state\":\"RUNNING\",\"start\":[" + action + "],\"inFlight\":[],"
                                + "\"upgrade\":[],\"waiting\":[],\"preview\":false}"
                        : "{\"campaign\":\"camp-1\",\"state\":\"COMPLETED\",\"start\":[],\"inFlight\":[],"
                                + "\"upgrade\":[],\"waiting\":[],\"preview\":false}");
            }
            if (r.path().endsWith("/done")) {
                return Answer.json(200, "{\"campaign\":\"camp-1\",\"state\":\"RUNNING\"}");
            }
            return Answer.json(200, "{\"id\":\"camp-1\",\"state\":\"" + (nexts[0] == 0 ? "RUNNING" : "COMPLETED")
                    + "\"}");
        })) {
            Run r = run(Map.of(), "--server", s.url(), "campaign", "run", "camp-1", "--executor", "command",
                    "--command", program + " --site lab");
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK.code());
            String calls = Files.readString(log);
            assertThat(calls).startsWith("--site lab migrate vm-1 host-01 host-02\n")
                    .contains("\"vmUuid\":\"6f1e3c1a-0000-4000-8000-000000000001\"").contains("\"parent\":\"0000:3b:00.0\"");
            assertThat(s.requests).extracting(StandIn.Request::path).contains("/api/v1/campaigns/camp-1/migrations/m-1/done");
        }
    }

    @Test
    void aDryRunIsNotRun() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(200, "{\"id\":\"camp-1\",\"state\":\"DRY_RUN\"}"))) {
            Run r = run(Map.of(), "--server", s.url(), "campaign", "run", "camp-1", "--executor", "simulator",
                    "--simulator", "127.0.0.1:1");
            assertThat(r.exit()).isEqualTo(ExitCode.NOT_DONE.code());
            assertThat(r.err()).contains("campaign camp-1 is DRY_RUN, not RUNNING");
        }
    }

    @Test
    void helpEndsWithEveryExitCode() {
        Run r = run(Map.of(), "--help");
        assertThat(r.exit()).isZero();
        for (ExitCode c : ExitCode.values()) {
            assertThat(r.out()).contains("  " + c.code() + " ");
        }
        assertThat(new HashSet<>(Arrays.stream(ExitCode.values()).map(ExitCode::code).toList()))
                .as("each code once").hasSize(ExitCode.values().length);
        assertThat(ExitCode.USAGE.code()).as("picocli's own usage code").isEqualTo(CommandLine.ExitCode.USAGE);
    }

    @Test
    void aRunBuildsOnlyTheCommandsItNames() {
        Migplan root = new Migplan(Map.of());
        assertThat(Migplan.commandLine(root, "--server", "http://h:1", "where-can", "vm-1").getSubcommands())
                .containsOnlyKeys("where-can");
        assertThat(Migplan.commandLine(new Migplan(Map.of()), "campaign", "run", "c-1").getSubcommands())
                .containsOnlyKeys("campaign");
        // An option's value that is a command's name adds that command beside the one run.
        assertThat(Migplan.commandLine(new Migplan(Map.of()), "--token=hosts", "hosts", "vms").getSubcommands())
                .containsOnlyKeys("hosts", "vms");
    }

    @Test
    void withNoCommandNamedOrWithHelpEveryCommandIsThere() {
        Set<String> every = Migplan.commandLine(new Migplan(Map.of())).getSubcommands().keySet();
        assertThat(every).hasSize(Migplan.COMMANDS.size());
        for (String[] args : new String[][] {{}, {"--help"}, {"help", "hosts"}, {"hots"}}) {
            assertThat(Migplan.commandLine(new Migplan(Map.of()), args).getSubcommands().keySet()).as(Arrays.toString(args))
                    .isEqualTo(every);
        }
    }

    @Test
    void theUsageListsEveryCommandAndAMistypedOneGetsASuggestion() {
        Run help = run(Map.of(), "--help");
        for (Class<?> command : Migplan.COMMANDS) {
            String name = Migplan.names(command).get(Migplan.names(command).size() - 1);
            boolean hidden = command.getAnnotation(CommandLine.Command.class).hidden();
            assertThat(help.out().contains("  " + name + " ")).as(name).isEqualTo(!hidden);
        }
        Run typo = run(Map.of(), "hots");
        assertThat(typo.exit()).isEqualTo(ExitCode.USAGE.code());
        assertThat(typo.err()).contains("hosts");
    }

    @Test
    void anOptionValueNamingACommandDoesNotRunIt() throws Exception {
        // Picocli takes a command's name after an option as the command (a usage error), so such a
        // value is given as --token=VALUE, with all commands built or only the named ones.
        try (StandIn s = new StandIn(r -> Answer.json(200, "[]"))) {
            Run r = run(Map.of(), "--server", s.url(), "--token=hosts", "vms");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(s.requests).extracting(StandIn.Request::path).singleElement().asString().startsWith("/api/v1/vms?");
            assertThat(s.requests).extracting(StandIn.Request::authorization).containsExactly("Bearer hosts");
        }
    }
}
