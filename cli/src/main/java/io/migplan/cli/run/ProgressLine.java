package io.migplan.cli.run;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Shows a run's progress: on a terminal one line rewritten in place ({@code \r}) at most a few
 * times a second; otherwise (a log, a pipe) a whole line every {@link #LOG_EVERY}. Events (a failed
 * migration) are printed as lines of their own in both cases.
 */
public final class ProgressLine {

    /** Between two lines when the output is not a terminal. */
    public static final Duration LOG_EVERY = Duration.ofSeconds(5);
    /** Between two redraws on a terminal: faster is not read. */
    static final Duration REDRAW_EVERY = Duration.ofMillis(200);
    /** Width of the live line when the terminal's is not known (COLUMNS unset). */
    static final int DEFAULT_WIDTH = 120;

    private final PrintWriter err;
    private final boolean live;
    private final int width;
    private final LongSupplier nanos;
    private long last = Long.MIN_VALUE;
    private boolean drawn;

    public ProgressLine(PrintWriter err, boolean live, int width, LongSupplier nanos) {
        this.err = err;
        this.live = live;
        this.width = width;
        this.nanos = nanos;
    }

    /** For this process: live when stdin/stdout are a terminal, as wide as COLUMNS says. */
    public static ProgressLine forConsole(PrintWriter err) {
        int width = DEFAULT_WIDTH;
        try {
            String columns = System.getenv("COLUMNS");
            if (columns != null) {
                width = Integer.parseInt(columns.strip());
            }
        } catch (NumberFormatException e) {
            // keep the default
        }
        return new ProgressLine(err, System.console() != null, width, System::nanoTime);
    }

    /** Shows {@code status} if it is time to (on a terminal also when {@code force}: something happened). */
    public synchronized void show(RunStatus status, boolean force) {
        long now = nanos.getAsLong();
        long every = (live ? REDRAW_EVERY : LOG_EVERY).toNanos();
        // Forcing redraws a live line at once; a log still gets a line every LOG_EVERY only.
        if ((!force || !live) && last != Long.MIN_VALUE && now - last < every) {
            return;
        }
        last = now;
        if (live) {
            err.print("\r\033[K" + status.line(width));
            drawn = true;
        } else {
            err.println(status.line(0));
        }
        err.flush();
    }

    /** A line of its own (above the live line, which the next {@link #show} redraws). */
    public synchronized void event(String line) {
        clear();
        err.println(line);
        err.flush();
    }

    /** Leaves the terminal with no half-drawn line. */
    public synchronized void finish() {
        clear();
        err.flush();
    }

    private void clear() {
        if (live && drawn) {
            err.print("\r\033[K");
            drawn = false;
        }
    }
}
