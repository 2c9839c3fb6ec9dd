package io.migplan.cli.executor.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program started by {@link ProcessRunner#start} that has not been waited for yet. Its owner
 * waits with {@link #await} and, when it gives up, {@link #kill}s it: nothing else ends it.
 */
public final class Running {
    private final List<String> argv;
    private final Process process;
    private final OutputCapture out;
    private final OutputCapture err;

    Running(List<String> argv, Process process, OutputCapture out, OutputCapture err) {
        this.argv = argv;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** The command line as started. */
    public List<String> argv() {
        return argv;
    }

    /**
     * Waits up to {@code timeout} for the program to exit and its output to end (a child of the
     * program may hold stdout open after the program exits: that counts as still running).
     *
     * @return the result, or null when it still runs after {@code timeout}
     */
    public ProcessResult await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return null;
        }
        if (!out.await(deadline) || !err.await(deadline)) {
            return null;
        }
        return result(false);
    }

    /**
     * Kills the program and every process it started (listed first: they are reparented once it
     * dies), waits for it to be gone and returns what it printed until then, marked timed out.
     * Killing a program that has already ended only collects its result.
     */
    public ProcessResult kill() {
        List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        boolean interrupted = false;
        while (true) {
            try {
                // Only the program is this JVM's child to reap; its orphans are init's.
                process.waitFor();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return result(true);
    }

    private ProcessResult result(boolean killed) {
        return new ProcessResult(argv, process.exitValue(), out.text(), err.text(), killed, out.overflowed());
    }
}
