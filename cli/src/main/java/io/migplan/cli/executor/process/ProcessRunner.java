package io.migplan.cli.executor.process;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The one way the executors run an outside program ({@code virsh}, a user's command): an argument
 * array, never a shell string, so nothing in a VM or host name is ever interpreted; stdin given as
 * bytes (closed after them); stdout and stderr captured with a bound each; a deadline after which
 * the program and everything it started are killed. Every command line is handed to a trace
 * before it starts, so a caller can show (or a test can check) exactly what was run.
 *
 * <p>It judges nothing: a non-zero exit, a timeout or truncated output is in the {@link ProcessResult}
 * for the caller to turn into its own sentence. Only a program that cannot be started at all
 * throws ({@link IOException}, e.g. no such file).
 */
public final class ProcessRunner {
    /**
     * Keep at most this much of stdout: a domain's XML with many devices is ~20 KiB and a node
     * device list of a large host ~100 KiB, so 4 MiB only stops a runaway program.
     */
    public static final int DEFAULT_MAX_STDOUT_BYTES = 4 * 1024 * 1024;
    /** Keep the last this much of stderr: its last lines carry the reason, the rest is noise. */
    public static final int DEFAULT_MAX_STDERR_BYTES = 64 * 1024;

    private final Consumer<List<String>> trace;
    private final Map<String, String> environment;
    private final int maxStdoutBytes;
    private final int maxStderrBytes;

    /** Runs programs with this process's environment and the default output bounds, tracing nothing. */
    public ProcessRunner() {
        this(argv -> { }, Map.of(), DEFAULT_MAX_STDOUT_BYTES, DEFAULT_MAX_STDERR_BYTES);
    }

    /**
     * @param trace       told each command line before it starts (e.g. printed with {@code --verbose})
     * @param environment variables set on top of this process's environment for every program
     */
    public ProcessRunner(Consumer<List<String>> trace, Map<String, String> environment, int maxStdoutBytes,
            int maxStderrBytes) {
        if (maxStdoutBytes < 1 || maxStderrBytes < 1) {
            throw new IllegalArgumentException("output bounds must be positive, got stdout " + maxStdoutBytes
                    + " and stderr " + maxStderrBytes);
        }
        this.trace = Objects.requireNonNull(trace);
        this.environment = Map.copyOf(environment);
        this.maxStdoutBytes = maxStdoutBytes;
        this.maxStderrBytes = maxStderrBytes;
    }

    /** A runner like this one that also sets {@code more} in every program's environment. */
    public ProcessRunner withEnvironment(Map<String, String> more) {
        Map<String, String> merged = new java.util.HashMap<>(environment);
        merged.putAll(more);
        return new ProcessRunner(trace, merged, maxStdoutBytes, maxStderrBytes);
    }

    /** A runner like this one that also tells {@code more} each command line. */
    public ProcessRunner tracing(Consumer<List<String>> more) {
        Consumer<List<String>> both = trace.andThen(more);
        return new ProcessRunner(both, environment, maxStdoutBytes, maxStderrBytes);
    }

    /**
     * Runs {@code argv} to its end, or kills it (and its children) when {@code timeout} passes.
     *
     * @throws IOException          when the program cannot be started
     * @throws InterruptedException when the caller stops; the program has been killed by then
     */
    public ProcessResult run(List<String> argv, byte[] stdin, Duration timeout) throws IOException, InterruptedException {
        Running running = start(argv, stdin);
        try {
            ProcessResult done = running.await(timeout);
            return done != null ? done : running.kill();
        } catch (InterruptedException e) {
            running.kill();
            throw e;
        }
    }

    /** {@link #run} with nothing on stdin. */
    public ProcessResult run(List<String> argv, Duration timeout) throws IOException, InterruptedException {
        return run(argv, new byte[0], timeout);
    }

    /**
     * Starts {@code argv} and returns at once, for a caller that must act while it runs (abort a
     * migration when it takes too long). The caller must end it: {@link Running#await} until it
     * exits, or {@link Running#kill}.
     */
    public Running start(List<String> argv, byte[] stdin) throws IOException {
        List<String> command = List.copyOf(argv);
        if (command.isEmpty() || command.get(0).isBlank()) {
            throw new IllegalArgumentException("no program to run: the command line is empty");
        }
        trace.accept(command);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process process = builder.start();
        OutputCapture out = new OutputCapture(process.getInputStream(), maxStdoutBytes, "stdout of " + command.get(0));
        OutputCapture err = new OutputCapture(process.getErrorStream(), maxStderrBytes, "stderr of " + command.get(0));
        byte[] input = stdin.clone();
        Thread writer = new Thread(() -> {
            try (OutputStream os = process.getOutputStream()) {
                os.write(input);
            } catch (IOException e) {
                // The program may exit without reading all of stdin; its exit status decides.
            }
        }, "stdin of " + command.get(0));
        writer.setDaemon(true);
        writer.start();
        return new Running(command, process, out, err);
    }

    /** A command line for a message: words joined by spaces, each quoted when it would not read as one word. */
    public static String display(List<String> argv) {
        StringBuilder b = new StringBuilder();
        for (String word : argv) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(word.isEmpty() || !word.matches("[A-Za-z0-9_@%+=:,./{}-]+")
                    ? "'" + word.replace("'", "'\\''") + "'" : word);
        }
        return b.toString();
    }
}
