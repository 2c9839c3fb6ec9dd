package io.migplan.cli.executor.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void arguments_reach_the_program_verbatim_without_a_shell() throws Exception {
        Path script = Scripts.write(dir, "args", "for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\n");

        ProcessResult r = new ProcessRunner().run(List.of(script.toString(), "a b", "$(touch pwned)", "x;y", ""), LONG);

        assertThat(r.succeeded()).isTrue();
        assertThat(r.stdout()).isEqualTo("[a b]\n[$(touch pwned)]\n[x;y]\n[]\n");
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    @Test
    void stdin_is_given_and_closed_and_both_outputs_and_the_exit_status_are_kept() throws Exception {
        Path script = Scripts.write(dir, "echo", "cat; echo 'first problem' >&2; echo 'last problem' >&2; exit 3\n");

        ProcessResult r = new ProcessRunner().run(List.of(script.toString()),
                "{\"vm\":\"vm-1\"}".getBytes(StandardCharsets.UTF_8), LONG);

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.succeeded()).isFalse();
        assertThat(r.timedOut()).isFalse();
        assertThat(r.stdout()).isEqualTo("{\"vm\":\"vm-1\"}");
        assertThat(r.stderrTail(1)).isEqualTo("last problem");
        assertThat(r.stderrTail(5)).isEqualTo("first problem | last problem");
        assertThat(r.failure(LONG)).isEqualTo("`" + script + "` exited with status 3: first problem | last problem");
    }

    @Test
    void the_environment_given_is_set_on_top_of_this_one() throws Exception {
        Path script = Scripts.write(dir, "env", "echo \"$LC_ALL $PATH\"\n");

        ProcessResult r = new ProcessRunner().withEnvironment(Map.of("LC_ALL", "C")).run(List.of(script.toString()), LONG);

        assertThat(r.stdout().strip()).isEqualTo("C " + System.getenv("PATH"));
    }

    @Test
    void a_timeout_kills_the_program_and_the_processes_it_started() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        Path script = Scripts.write(dir, "hang", "sleep 600 & echo $! > " + pidFile + "\necho started\nwait\n");

        ProcessResult r = new ProcessRunner().run(List.of(script.toString()), Duration.ofMillis(500));

        assertThat(r.timedOut()).isTrue();
        assertThat(r.succeeded()).isFalse();
        assertThat(r.stdout()).isEqualTo("started\n");
        assertThat(r.failure(Duration.ofMillis(500))).isEqualTo("`" + script + "` did not end within 500ms and was killed");
        long child = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle.of(child).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
    }

    @Test
    void output_beyond_the_bound_keeps_its_end_and_counts_as_no_success() throws Exception {
        Path script = Scripts.write(dir, "loud", "printf 'aaaaaaaaaaEND'\nprintf 'eeeeeeeeeeLAST' >&2\n");

        ProcessResult r = new ProcessRunner(argv -> { }, Map.of(), 5, 4).run(List.of(script.toString()), LONG);

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdoutTruncated()).isTrue();
        assertThat(r.succeeded()).isFalse();
        assertThat(r.stdout()).isEqualTo("aaEND");
        assertThat(r.stderr()).isEqualTo("LAST");
    }

    @Test
    void every_command_line_is_traced_before_it_runs() throws Exception {
        List<List<String>> seen = new ArrayList<>();
        Path script = Scripts.write(dir, "ok", "exit 0\n");

        new ProcessRunner().tracing(seen::add).run(List.of(script.toString(), "dumpxml", "vm 1"), LONG);

        assertThat(seen).containsExactly(List.of(script.toString(), "dumpxml", "vm 1"));
    }

    @Test
    void a_program_that_does_not_exist_cannot_be_started() {
        assertThatThrownBy(() -> new ProcessRunner().run(List.of(dir.resolve("nothing").toString()), LONG))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> new ProcessRunner().run(List.of(), LONG))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no program to run: the command line is empty");
    }

    @Test
    void a_command_line_is_displayed_as_a_shell_would_read_it() {
        assertThat(ProcessRunner.display(List.of("virsh", "-c", "qemu+tls://h1/system", "migrate", "vm 1", "it's", "")))
                .isEqualTo("virsh -c qemu+tls://h1/system migrate 'vm 1' 'it'\\''s' ''");
    }

    @Test
    void durations_read_as_the_command_line_takes_them() {
        assertThat(Durations.format(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThat(Durations.format(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }
}
