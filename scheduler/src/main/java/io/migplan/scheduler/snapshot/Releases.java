package io.migplan.scheduler.snapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The order of releases ("2025.1" < "2025.2" < "2026.1", "6.8.0-45" < "6.8.0-110"): a release
 * is read as its runs of digits and of letters, separators ignored; numbers compare by value,
 * words as text, and a number is newer than a word in the same place ("2025.rc1" <
 * "2025.1"). When one release is the other plus more, the longer is newer unless what
 * follows is a word, which marks a pre-release ("2025.1rc" < "2025.1" < "2025.1.1"). Equal
 * after this reading means the same release. It does not know which release runs where.
 */
public final class Releases {

    public static final Comparator<String> ORDER = Releases::compare;

    private static final Pattern TOKEN = Pattern.compile("\\d+|\\p{L}+");

    /**
     * Tokens of the releases seen so far: a fleet runs a handful, and a placement question
     * compares the source's release with every host's. Bounded so odd input cannot grow it.
     */
    private static final Map<String, List<String>> TOKENS = new ConcurrentHashMap<>();
    /** Far more distinct releases than a fleet runs at once, even mid-campaign. */
    private static final int MAX_CACHED = 1_024;

    private Releases() {
    }

    public static int compare(String a, String b) {
        List<String> x = tokens(a);
        List<String> y = tokens(b);
        int n = Math.min(x.size(), y.size());
        for (int i = 0; i < n; i++) {
            int c = compareToken(x.get(i), y.get(i));
            if (c != 0) {
                return c;
            }
        }
        if (x.size() == y.size()) {
            return 0;
        }
        // The longer one is newer, unless its extra part starts with a word (a pre-release tag).
        boolean xLonger = x.size() > y.size();
        String extra = xLonger ? x.get(n) : y.get(n);
        int longerIsNewer = isNumber(extra) ? 1 : -1;
        return xLonger ? longerIsNewer : -longerIsNewer;
    }

    private static int compareToken(String p, String q) {
        boolean np = isNumber(p);
        boolean nq = isNumber(q);
        if (np && nq) {
            String a = stripZeros(p);
            String b = stripZeros(q);
            return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : Integer.signum(a.compareTo(b));
        }
        if (np != nq) {
            return np ? 1 : -1;
        }
        return Integer.signum(p.compareTo(q));
    }

    private static List<String> tokens(String s) {
        if (s == null) {
            return List.of();
        }
        List<String> cached = TOKENS.get(s);
        if (cached != null) {
            return cached;
        }
        List<String> read = read(s);
        if (TOKENS.size() < MAX_CACHED) {
            TOKENS.put(s, read);
        }
        return read;
    }

    private static List<String> read(String s) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(s);
        while (m.find()) {
            out.add(m.group());
        }
        return List.copyOf(out);
    }

    private static boolean isNumber(String token) {
        return Character.isDigit(token.charAt(0));
    }

    private static String stripZeros(String digits) {
        int k = 0;
        while (k < digits.length() - 1 && digits.charAt(k) == '0') {
            k++;
        }
        return digits.substring(k);
    }
}
