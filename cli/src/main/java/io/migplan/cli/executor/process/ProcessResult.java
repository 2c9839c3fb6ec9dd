package io.migplan.cli.executor.process;

import java.time.Duration;
import java.util.List;

/**
 * What one run of a program produced, for its caller to judge.
 *
 * @param argv            the command line as run
 * @param exitCode        the exit status (that of the killed process when {@code timedOut})
 * @param stdout          what it printed, at most the bound (the last bytes when truncated)
 * @param stderr          what it printed on stderr, the last bytes up to the bound
 * @param timedOut        it was killed when its time was up
 * @param stdoutTruncated stdout was longer than the bound
 */
public record ProcessResult(List<String> argv, int exitCode, String stdout, String stderr, boolean timedOut,
        boolean stdoutTruncated) {

    /** Exited 0 in time with all of its output kept. */
    public boolean succeeded() {
        return exitCode == 0 && !timedOut && !stdoutTruncated;
    }

    /** The last {@code lines} non-blank lines of stderr, joined with " | " (empty when there are none). */
    public String stderrTail(int lines) {
        List<String> all = stderr.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /**
     * A sentence saying how the run went wrong: "`virsh -c … migrate …` exited with status 1:
     * error: …", "… did not end within 30s and was killed", "… printed more than …".
     *
     * @param timeout the deadline it was given, named when it was killed
     */
    public String failure(Duration timeout) {
        String what = "`" + ProcessRunner.display(argv) + "`";
        String said = stderrTail(3);
        String because = said.isEmpty() ? "" : ": " + said;
        if (timedOut) {
            return what + " did not end within " + Durations.format(timeout) + " and was killed" + because;
        }
        if (exitCode != 0) {
            return what + " exited with status " + exitCode + because;
        }
        if (stdoutTruncated) {
            return what + " printed more output than is kept (" + stdout.length() + " characters)";
        }
        return what + " succeeded";
    }
}
