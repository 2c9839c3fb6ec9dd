package io.migplan.scheduler.campaign;

import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.compatibility.VerdictMeaning;
import io.migplan.scheduler.snapshot.Releases;
import java.util.HashMap;
import java.util.Map;

/**
 * What a campaign knows of compatibility while it plans: per target host, the verdicts its agent
 * gave at the host's current generation (per device type and source signature), and what hosts
 * already at a release taught about every host of the same board that will run it ("learned",
 * e.g. from a canary). It answers one question, {@link #judge}, and says whether the answer was
 * probed, learned or only assumed from the release policy (forward N -> N+1, same type, same
 * board); an assumed answer must be confirmed by a probe before a VM is sent. A type an agent
 * called {@code NOT_MIGRATABLE} (e.g. GVT-g) goes nowhere, whatever the release.
 */
final class VerdictBook {

    enum Basis {
        /** The target's own agent answered at its current generation. */
        PROBED,
        /** A host of the same board at the release the target will run answered. */
        LEARNED,
        /** Nothing answered yet: the release policy's expectation. */
        ASSUMED
    }

    /**
     * A verdict and where it came from; {@code why} names the refusing host and its words, and
     * {@code code} says what kind of refusal it is ({@link #NOT_MIGRATABLE} or {@link
     * #NO_COMPATIBLE_TARGET}; empty when compatible).
     */
    record Judgement(boolean compatible, Basis basis, String code, String why) {
        static Judgement of(boolean compatible, Basis basis, String why) {
            return new Judgement(compatible, basis, compatible ? "" : NO_COMPATIBLE_TARGET, why);
        }
    }

    private record Cell(String type, String signature) {
    }

    private record Lesson(String board, String release, String type, String signature) {
    }

    /** The code an agent gives a type whose state cannot migrate at all, on any release. */
    static final String NOT_MIGRATABLE = "NOT_MIGRATABLE";
    /** The code of any other refusal: an agent, a lesson or the release policy says no. */
    static final String NO_COMPATIBLE_TARGET = "NO_COMPATIBLE_TARGET";

    private final Map<String, Map<Cell, Answer>> probed = new HashMap<>();
    /** Types some agent called not migratable at all, with its words. */
    private final Map<String, String> notMigratable = new HashMap<>();
    private final Map<Lesson, Answer> learned = new HashMap<>();

    private record Answer(boolean compatible, String why) {
    }

    /**
     * Adds one stored verdict: {@code host} (at {@code release}, of {@code board}) said
     * {@code verdict} for {@code type} and {@code signature} on one of its parents. A host is
     * compatible for a cell when any of its parents accepts; a release is learned incompatible for
     * a board as soon as one host of it refuses (one refusal is enough not to trust the rest).
     * {@code code} is the agent's code ({@code NOT_MIGRATABLE} rules the type out everywhere).
     */
    void add(String host, String board, String release, String type, String signature, Verdict verdict,
            String code, String message) {
        boolean ok = VerdictMeaning.compatible(verdict);
        if (NOT_MIGRATABLE.equals(code)) {
            notMigratable.putIfAbsent(type, "host " + host + " says " + type + " cannot migrate at all"
                    + (message.isEmpty() ? "" : ": " + message));
        }
        String why = ok ? "" : "host " + host + " (" + board + ", release " + release + ") answered "
                + verdict.name().substring("VERDICT_".length()) + " for " + type + (message.isEmpty() ? ""
                : ": " + message);
        probed.computeIfAbsent(host, h -> new HashMap<>()).merge(new Cell(type, signature), new Answer(ok, why),
                (a, b) -> a.compatible() ? a : b);
        Lesson lesson = new Lesson(board, release, type, signature);
        learned.merge(lesson, new Answer(ok, why), (a, b) -> a.compatible() ? b : a);
    }

    /**
     * Whether a device of {@code type} with {@code signature}, now on a {@code sourceBoard} host at
     * {@code sourceRelease}, may go to {@code target} ({@code targetBoard}) once it runs
     * {@code targetRelease}. {@code targetRunsItNow} says whether the target already runs that
     * release (its own answers count only then).
     */
    Judgement judge(String type, String signature, String sourceBoard, String sourceRelease, String target,
            String targetBoard, String targetRelease, boolean targetRunsItNow) {
        String never = notMigratable.get(type);
        if (never != null) {
            return new Judgement(false, Basis.PROBED, NOT_MIGRATABLE, never);
        }
        if (targetRunsItNow) {
            Answer a = probed.getOrDefault(target, Map.of()).get(new Cell(type, signature));
            if (a != null) {
                return Judgement.of(a.compatible(), Basis.PROBED, a.why());
            }
        }
        Answer lesson = learned.get(new Lesson(targetBoard, targetRelease, type, signature));
        if (lesson != null && !lesson.compatible()) {
            return Judgement.of(false, Basis.LEARNED, lesson.why());
        }
        boolean expected = sourceBoard.equals(targetBoard) && Releases.compare(targetRelease, sourceRelease) >= 0;
        String why = expected ? "" : "release policy expects " + type + " state to move only to the same board ("
                + sourceBoard + ") at a release not older than " + sourceRelease + "; " + target + " is "
                + targetBoard + " at " + targetRelease;
        return Judgement.of(expected, lesson != null ? Basis.LEARNED : Basis.ASSUMED, why);
    }
}
