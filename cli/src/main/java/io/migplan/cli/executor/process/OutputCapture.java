package io.migplan.cli.executor.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Reads one output stream of a program to its end on its own thread, keeping the last {@code limit}
 * bytes: a program's last lines say why it failed, so those are the ones worth keeping.
 */
final class OutputCapture {
    private final int limit;
    private final Thread thread;
    private byte[] kept = new byte[0];
    private boolean overflowed;

    OutputCapture(InputStream in, int limit, String name) {
        this.limit = limit;
        this.thread = new Thread(() -> drain(in), name);
        thread.setDaemon(true);
        thread.start();
    }

    private void drain(InputStream in) {
        byte[] buf = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                append(buf, n);
            }
        } catch (IOException e) {
            // The stream closes when the program is killed; what was read so far is kept.
        }
    }

    private synchronized void append(byte[] buf, int n) {
        int total = kept.length + n;
        byte[] next = new byte[Math.min(total, limit)];
        int fromOld = Math.max(0, next.length - n);
        System.arraycopy(kept, kept.length - fromOld, next, 0, fromOld);
        System.arraycopy(buf, n - (next.length - fromOld), next, fromOld, next.length - fromOld);
        overflowed |= total > limit;
        kept = next;
    }

    /** Waits until the stream has ended or the deadline ({@link System#nanoTime}) passed; true when it ended. */
    boolean await(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.timedJoin(thread, left);
        }
        return !thread.isAlive();
    }

    synchronized boolean overflowed() {
        return overflowed;
    }

    synchronized String text() {
        return new String(Arrays.copyOf(kept, kept.length), StandardCharsets.UTF_8);
    }
}
