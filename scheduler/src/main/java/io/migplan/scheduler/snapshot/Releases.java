package io.migplan.scheduler.snapshot;

import java.util.Comparator;

/**
 * The order of releases ("2025.1" < "2025.2" < "2026.1", "6.8.0-45" < "6.8.0-110"): a release
 * is read as its runs of digits and of letters, separators ignored; numbers compare by value,
 * words as text, and a number is newer than a word in the same place ("2025.rc1" <
 * "2025.1"). When one release is the other plus more, the longer is newer unless what
 * follows is a word, which marks a pre-release ("2025.1rc" < "2025.1" < "2025.1.1"). Equal
 * after this reading means the same release. It does not know which release runs where.
 *
 * <p>Both releases are read in place, a run at a time, without copying or remembering them (no
 * cache): a placement question compares the source's release with every host's, and reading two
 * releases in place costs about what looking both up in a cache did, less when they are equal,
 * as most hosts' releases are to the source's (docs/benchmarks.md).
 */
public final class Releases {

    public static final Comparator<String> ORDER = Releases::compare;

    private Releases() {
    }

    public static int compare(String a, String b) {
        String x = a == null ? "" : a;
        String y = b == null ? "" : b;
        if (x.equals(y)) {
            return 0; // most hosts of a fleet run the release they are compared with
        }
        int i = skipSeparators(x, 0);
        int j = skipSeparators(y, 0);
        while (i < x.length() && j < y.length()) {
            int endX = runEnd(x, i);
            int endY = runEnd(y, j);
            int c = compareRuns(x, i, endX, y, j, endY);
            if (c != 0) {
                return c;
            }
            i = skipSeparators(x, endX);
            j = skipSeparators(y, endY);
        }
        boolean xLonger = i < x.length();
        if (!xLonger && j >= y.length()) {
            return 0;
        }
        // The longer one is newer, unless its extra part starts with a word (a pre-release tag).
        int longerIsNewer = isDigit(xLonger ? x.charAt(i) : y.charAt(j)) ? 1 : -1;
        return xLonger ? longerIsNewer : -longerIsNewer;
    }

    private static int compareRuns(String x, int i, int endX, String y, int j, int endY) {
        boolean nx = isDigit(x.charAt(i));
        boolean ny = isDigit(y.charAt(j));
        if (nx != ny) {
            return nx ? 1 : -1;
        }
        if (nx) {
            // By value: without leading zeros, a longer number is larger, else the first digit that differs.
            while (i < endX - 1 && x.charAt(i) == '0') {
                i++;
            }
            while (j < endY - 1 && y.charAt(j) == '0') {
                j++;
            }
            if (endX - i != endY - j) {
                return Integer.compare(endX - i, endY - j);
            }
        }
        // Digits of equal length, or words: as text, char by char, then the shorter first.
        int n = Math.min(endX - i, endY - j);
        for (int k = 0; k < n; k++) {
            int c = Character.compare(x.charAt(i + k), y.charAt(j + k));
            if (c != 0) {
                return Integer.signum(c);
            }
        }
        return Integer.signum((endX - i) - (endY - j));
    }

    /** Where the run of digits or of letters starting at {@code from} ends. */
    private static int runEnd(String s, int from) {
        int k = from;
        if (isDigit(s.charAt(from))) {
            while (k < s.length() && isDigit(s.charAt(k))) {
                k++;
            }
            return k;
        }
        while (k < s.length()) {
            char c = s.charAt(k);
            if (c < 0x80) {
                if (!isAsciiLetter(c)) {
                    break;
                }
                k++;
            } else {
                int cp = s.codePointAt(k);
                if (!Character.isLetter(cp)) {
                    break;
                }
                k += Character.charCount(cp);
            }
        }
        return k;
    }

    /** The start of the next run at or after {@code from}, or the end. */
    private static int skipSeparators(String s, int from) {
        int k = from;
        while (k < s.length()) {
            char c = s.charAt(k);
            if (c < 0x80) {
                if (isDigit(c) || isAsciiLetter(c)) {
                    break;
                }
                k++;
            } else {
                int cp = s.codePointAt(k);
                if (Character.isLetter(cp)) {
                    break;
                }
                k += Character.charCount(cp);
            }
        }
        return k;
    }

    private static boolean isAsciiLetter(char c) {
        char lower = (char) (c | 0x20);
        return lower >= 'a' && lower <= 'z';
    }

    /** ASCII digits only: other scripts' digits are separators, as they were to {@code \d}. */
    private static boolean isDigit(int cp) {
        return cp >= '0' && cp <= '9';
    }
}
