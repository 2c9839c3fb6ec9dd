package io.migplan.cli.executor.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.migplan.cli.executor.ExecutionFailure;
import io.migplan.cli.executor.Executor.Migration;
import io.migplan.cli.executor.Executor.Upgrade;
import io.migplan.cli.executor.process.ProcessRunner;
import io.migplan.cli.executor.process.Scripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandExecutorTest {
    private static final Migration MIGRATION = new Migration("c7-m12", "vm-17", "0b9f4a3c-5f0e-4c1d-9a57-3d2f1e6b7a01",
            "host-a", "host-b", List.of("0000:3b:00.0", "0000:d8:00.0"), List.of("nvidia-231", "nvidia-231"),
            Duration.ofSeconds(30));
    private static final Upgrade UPGRADE = new Upgrade("host-a", "2025.2");

    @TempDir
    Path dir;

    /** A program that records its arguments and stdin beside it, prints on stderr and exits as told. */
    private Path recorder(String name, String then) throws Exception {
        return Scripts.write(dir, name, "printf '%s\\n' \"$@\" > " + dir.resolve(name + ".args") + "\n"
                + "cat > " + dir.resolve(name + ".stdin") + "\n" + then);
    }

    private CommandExecutor executor(List<String> command, List<String> upgradeCommand) {
        return new CommandExecutor(CommandExecutor.Options.of(command, upgradeCommand));
    }

    @Test
    void a_migration_runs_the_command_with_its_arguments_and_the_whole_migration_as_json_on_stdin() throws Exception {
        Path prog = recorder("migrate-vm", "exit 0\n");

        executor(List.of(prog.toString(), "--inventory", "hosts.ini"), List.of()).migrate(MIGRATION);

        assertThat(Files.readAllLines(dir.resolve("migrate-vm.args")))
                .containsExactly("--inventory", "hosts.ini", "migrate", "vm-17", "host-a", "host-b");
        JsonNode doc = new ObjectMapper().readTree(dir.resolve("migrate-vm.stdin").toFile());
        assertThat(doc.toString()).isEqualTo("{\"operation\":\"migrate\",\"id\":\"c7-m12\",\"vm\":\"vm-17\","
                + "\"vmUuid\":\"0b9f4a3c-5f0e-4c1d-9a57-3d2f1e6b7a01\",\"from\":\"host-a\",\"to\":\"host-b\","
                + "\"devices\":[{\"parent\":\"0000:3b:00.0\",\"type\":\"nvidia-231\"},"
                + "{\"parent\":\"0000:d8:00.0\",\"type\":\"nvidia-231\"}],\"timeoutSeconds\":30}");
    }

    @Test
    void an_upgrade_runs_the_upgrade_command_with_the_host_and_release() throws Exception {
        Path prog = recorder("upgrade-host", "exit 0\n");

        executor(List.of(), List.of(prog.toString())).upgrade(UPGRADE);

        assertThat(Files.readAllLines(dir.resolve("upgrade-host.args"))).containsExactly("upgrade", "host-a", "2025.2");
        assertThat(Files.readString(dir.resolve("upgrade-host.stdin")))
                .isEqualTo("{\"operation\":\"upgrade\",\"host\":\"host-a\",\"toRelease\":\"2025.2\"}");
    }

    @Test
    void a_non_zero_exit_fails_the_migration_with_the_last_lines_of_stderr() throws Exception {
        Path prog = recorder("fails", "for i in 1 2 3 4 5 6 7; do echo \"line $i\" >&2; done\n"
                + "echo 'fatal: [host-b]: FAILED! => no free vGPU' >&2\nexit 2\n");

        assertThatThrownBy(() -> executor(List.of(prog.toString()), List.of()).migrate(MIGRATION))
                .isInstanceOf(ExecutionFailure.class)
                .hasMessage("migration of VM vm-17 from host-a to host-b failed: `" + prog + " migrate vm-17 host-a host-b`"
                        + " exited with status 2: line 4 | line 5 | line 6 | line 7 | fatal: [host-b]: FAILED! => no free vGPU");
    }

    @Test
    void a_failure_without_stderr_says_so() throws Exception {
        Path prog = recorder("silent", "exit 1\n");

        assertThatThrownBy(() -> executor(List.of(), List.of(prog.toString())).upgrade(UPGRADE))
                .hasMessage("upgrade of host host-a to 2025.2 failed: `" + prog + " upgrade host-a 2025.2` exited with"
                        + " status 1 (nothing on stderr)");
    }

    @Test
    void a_migration_past_its_timeout_is_killed_with_everything_it_started() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        Path prog = recorder("hangs", "echo 'copying memory' >&2\nsleep 600 & echo $! > " + pidFile + "\nwait\n");
        Migration quick = new Migration("m1", "vm-17", "", "host-a", "host-b", List.of(), List.of(), Duration.ofMillis(500));

        assertThatThrownBy(() -> executor(List.of(prog.toString()), List.of()).migrate(quick))
                .isInstanceOf(ExecutionFailure.class)
                .hasMessage("migration of VM vm-17 from host-a to host-b failed: `" + prog + " migrate vm-17 host-a host-b`"
                        + " did not end within 500ms and was killed: copying memory");
        long child = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle.of(child).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        assertThat(ProcessHandle.of(child).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(new ObjectMapper().readTree(dir.resolve("hangs.stdin").toFile()).get("timeoutSeconds").asLong())
                .isEqualTo(1);
    }

    @Test
    void a_migration_without_a_timeout_of_its_own_gets_the_options_one() {
        Migration none = new Migration("m1", "vm", "", "a", "b", List.of(), List.of(), Duration.ZERO);

        assertThat(CommandExecutor.timeoutOf(none, Duration.ofMinutes(7))).isEqualTo(Duration.ofMinutes(7));
        assertThat(CommandExecutor.timeoutOf(MIGRATION, Duration.ofMinutes(7))).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void a_program_that_cannot_be_started_fails_naming_it() {
        Path missing = dir.resolve("no-such-playbook-runner");

        assertThatThrownBy(() -> executor(List.of(missing.toString()), List.of()).migrate(MIGRATION))
                .isInstanceOf(ExecutionFailure.class)
                .hasMessageStartingWith("migration of VM vm-17 from host-a to host-b failed: `" + missing
                        + "` could not be started (");
    }

    @Test
    void without_the_program_for_it_a_migration_or_an_upgrade_fails_naming_the_flag() throws Exception {
        Path prog = recorder("either", "exit 0\n");

        assertThatThrownBy(() -> executor(List.of(), List.of(prog.toString())).migrate(MIGRATION))
                .hasMessage("no --command was given: the command executor migrates VM vm-17 by running"
                        + " `PROG migrate <vm> <from> <to>`");
        assertThatThrownBy(() -> executor(List.of(prog.toString()), List.of()).upgrade(UPGRADE))
                .hasMessage("no --upgrade-command was given: host host-a is upgraded by running"
                        + " `PROG upgrade <host> <toRelease>`");
        assertThat(dir.resolve("either.args")).doesNotExist();
    }

    @Test
    void the_executor_needs_at_least_one_program() {
        assertThatThrownBy(() -> CommandExecutor.fromOptions(CommandExecutor.Options.of(List.of(), List.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--executor command needs --command PROG (run per migration) and/or --upgrade-command PROG"
                        + " (run per upgrade)");
        assertThatThrownBy(() -> new CommandExecutor.Options(List.of("x"), List.of(), Duration.ZERO, Duration.ofHours(1)))
                .hasMessage("--migration-timeout must be positive, got PT0S");
        assertThat(CommandExecutor.fromOptions(CommandExecutor.Options.of(List.of("x"), List.of())).name())
                .isEqualTo("command");
    }

    @Test
    void the_ansible_example_hands_the_document_to_the_playbook_as_extra_vars() throws Exception {
        Path example = Path.of("../deploy/examples/migplan-ansible").toAbsolutePath().normalize();
        Path stub = Scripts.write(dir, "ansible-playbook", "printf '%s\\n' \"$@\" > " + dir.resolve("ansible.args") + "\n"
                + "for a in \"$@\"; do case \"$a\" in @*) cp \"${a#@}\" " + dir.resolve("vars.json") + ";; esac; done\n"
                + "echo 'PLAY RECAP'\n"
                + "if [ -f " + dir.resolve("unreachable") + " ]; then echo 'fatal: [host-b]: UNREACHABLE!'; exit 4; fi\n");
        ProcessRunner runner = new ProcessRunner().withEnvironment(Map.of("ANSIBLE_PLAYBOOK", stub.toString(),
                "MIGPLAN_INVENTORY", "/etc/ansible/gpu-hosts.ini"));
        CommandExecutor executor = new CommandExecutor(
                CommandExecutor.Options.of(List.of(example.toString()), List.of(example.toString())), runner);

        executor.migrate(MIGRATION);

        List<String> args = Files.readAllLines(dir.resolve("ansible.args"));
        assertThat(args).hasSize(7);
        assertThat(args.subList(0, 5)).containsExactly("-i", "/etc/ansible/gpu-hosts.ini", "--limit", "host-a,host-b",
                "--extra-vars");
        assertThat(args.get(5)).startsWith("@").contains("migplan-vars.");
        assertThat(args.get(6)).isEqualTo("/etc/migplan/ansible/migrate-vm.yml");
        JsonNode vars = new ObjectMapper().readTree(dir.resolve("vars.json").toFile());
        assertThat(vars.get("migplan").get("vm").asText()).isEqualTo("vm-17");
        assertThat(vars.get("migplan").get("devices").get(1).get("parent").asText()).isEqualTo("0000:d8:00.0");
        assertThat(Path.of(args.get(5).substring(1))).as("the extra-vars file is removed").doesNotExist();

        Files.writeString(dir.resolve("unreachable"), "");
        assertThatThrownBy(() -> executor.upgrade(UPGRADE))
                .hasMessage("upgrade of host host-a to 2025.2 failed: `" + example + " upgrade host-a 2025.2` exited with"
                        + " status 4: PLAY RECAP | fatal: [host-b]: UNREACHABLE!");
        assertThat(Files.readAllLines(dir.resolve("ansible.args"))).contains("host-a", "/etc/migplan/ansible/upgrade-host.yml");
    }
}
