package io.migplan.agent.exec;

import io.migplan.agent.inventory.Problems;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external program the way the agent runs every tool it is configured with: the argument
 * list as given (no shell), stdin written and closed, stdout and stderr read on threads of their
 * own and kept up to a bound each, and one deadline for the whole run, after which the program
 * and everything it started are killed. What the output means is the caller's business; this
 * class only says how the run ended.
 */
public final class BoundedProcess {
  private BoundedProcess() {}

  /** How a run ended. */
  public enum End {
    /** The program exited (with {@link Outcome#exitValue()}) and both streams were read to their end. */
    EXITED,
    /** The program could not be started ({@link Outcome#startFailure()} says why). */
    NOT_STARTED,
    /** The deadline passed (the program, or a child holding its output, was still running); all killed. */
    TIMED_OUT,
    /** The waiting thread was interrupted (the agent is stopping); the program was killed. */
    INTERRUPTED
  }

  /**
   * @param stdout what the program printed, at most the bound given
   * @param stdoutOverflowed the program printed more than that bound
   * @param stderr at most the stderr bound of what it printed on stderr
   */
  public record Outcome(
      End end, int exitValue, String stdout, boolean stdoutOverflowed, String stderr, String startFailure) {
    public boolean exitedZero() {
      return end == End.EXITED && exitValue == 0;
    }
  }

  /**
   * Runs {@code exec} with {@code stdin} and waits at most {@code timeout} for it to exit and its
   * output to end.
   */
  public static Outcome run(List<String> exec, byte[] stdin, Duration timeout, int maxStdoutBytes, int maxStderrBytes) {
    Process process;
    try {
      process = new ProcessBuilder(exec).start();
    } catch (IOException e) {
      return new Outcome(End.NOT_STARTED, -1, "", false, "", Problems.describe(e));
    }
    Capture out = new Capture(process.getInputStream(), maxStdoutBytes, "command-stdout");
    Capture err = new Capture(process.getErrorStream(), maxStderrBytes, "command-stderr");
    Thread writer = daemon("command-stdin", () -> {
      try (OutputStream os = process.getOutputStream()) {
        os.write(stdin);
      } catch (IOException e) {
        // The program may exit without reading all of stdin; its exit status and output decide.
      }
    });
    writer.start();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      boolean exited = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
      // A child of the program may still hold stdout open after it exits: same deadline.
      boolean drained = exited && out.await(deadline) && err.await(deadline);
      if (!drained) {
        kill(process);
        return new Outcome(End.TIMED_OUT, -1, out.text(), out.overflowed, err.text(), "");
      }
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      return new Outcome(End.INTERRUPTED, -1, out.text(), out.overflowed, err.text(), "");
    }
    return new Outcome(End.EXITED, process.exitValue(), out.text(), out.overflowed, err.text(), "");
  }

  /** Kills the program and everything it started; children are listed first, as they are reparented once it dies. */
  private static void kill(Process process) {
    List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    try {
      // Only the program is this JVM's child to reap; its orphaned children are init's.
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** "2s", "1500ms": a duration as a config would spell it. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  private static Thread daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Reads a stream to its end on its own thread, keeping at most {@code limit} bytes. */
  private static final class Capture {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Thread thread;
    private volatile boolean overflowed;

    Capture(InputStream in, int limit, String name) {
      thread = daemon(name, () -> {
        byte[] buf = new byte[8192];
        try (in) {
          for (int n; (n = in.read(buf)) >= 0; ) {
            synchronized (bytes) {
              int room = limit - bytes.size();
              if (n > room) {
                overflowed = true;
              }
              bytes.write(buf, 0, Math.max(0, Math.min(n, room)));
            }
          }
        } catch (IOException e) {
          // The stream closes when the process is killed; what was read so far is kept.
        }
      });
      thread.start();
    }

    boolean await(long deadlineNanos) throws InterruptedException {
      long left = deadlineNanos - System.nanoTime();
      if (left > 0) {
        TimeUnit.NANOSECONDS.timedJoin(thread, left);
      }
      return !thread.isAlive();
    }

    String text() {
      synchronized (bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
