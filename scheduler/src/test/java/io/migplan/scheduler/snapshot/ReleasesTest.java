package io.migplan.scheduler.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReleasesTest {

    static Stream<Arguments> ordered() {
        return Stream.of(
                Arguments.of("year.minor releases order by number", "2025.1", "2025.2"),
                Arguments.of("the year counts before the minor", "2025.9", "2026.1"),
                Arguments.of("numbers compare by value, not as text", "2025.9", "2025.10"),
                Arguments.of("kernel-style builds order by build number", "6.8.0-45", "6.8.0-110"),
                Arguments.of("a longer release with the same prefix is newer", "2025.1", "2025.1.1"),
                Arguments.of("a word sorts before a number in the same place", "2025.rc", "2025.1"),
                Arguments.of("a pre-release suffix is older than the release", "2025.1rc2", "2025.1"));
    }

    @ParameterizedTest(name = "{0}: {1} < {2}")
    @MethodSource("ordered")
    void older(String name, String older, String newer) {
        assertThat(Releases.compare(older, newer)).isNegative();
        assertThat(Releases.compare(newer, older)).isPositive();
    }

    @ParameterizedTest(name = "{0} equals {1}")
    @MethodSource("same")
    void same(String a, String b) {
        assertThat(Releases.compare(a, b)).isZero();
    }

    static Stream<Arguments> same() {
        return Stream.of(Arguments.of("2025.1", "2025.1"), Arguments.of("2025.01", "2025.1"));
    }

    @Test
    void readingInPlaceOrdersAsTheTokenListsOfTheRuleDo() {
        // Releases built from the pieces that matter: numbers with leading zeros, words, letters of
        // other scripts (one outside the BMP), separators and digits of other scripts (ignored).
        String[] pieces = {"0", "1", "01", "007", "2025", "10", "110", "rc", "RC", "beta", "b", "é", "\uD835\uDC00",
                ".", "-", "_", "+", " ", "\u0663", ""};
        Random random = new Random(42);
        List<String> releases = new ArrayList<>(List.of("", "2025.1", "2025.1rc", "6.8.0-45", "..", "rc"));
        for (int n = 0; n < 400; n++) {
            StringBuilder b = new StringBuilder();
            for (int k = random.nextInt(6); k >= 0; k--) {
                b.append(pieces[random.nextInt(pieces.length)]);
            }
            releases.add(b.toString());
        }
        for (String a : releases) {
            for (String b : releases) {
                assertThat(Releases.compare(a, b)).as("%s vs %s", a, b).isEqualTo(TokenRule.compare(a, b));
            }
        }
        assertThat(Releases.compare(null, "")).isZero();
        assertThat(Releases.compare(null, "1")).isNegative();
    }

    /** The rule as first written: split into tokens with a regular expression, then compare the lists. */
    private static final class TokenRule {
        private static final Pattern TOKEN = Pattern.compile("\\d+|\\p{L}+");

        static int compare(String a, String b) {
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
            boolean xLonger = x.size() > y.size();
            String extra = xLonger ? x.get(n) : y.get(n);
            int longerIsNewer = Character.isDigit(extra.charAt(0)) ? 1 : -1;
            return xLonger ? longerIsNewer : -longerIsNewer;
        }

        private static int compareToken(String p, String q) {
            boolean np = Character.isDigit(p.charAt(0));
            boolean nq = Character.isDigit(q.charAt(0));
            if (np && nq) {
                String a = p.replaceFirst("^0+(?=.)", "");
                String b = q.replaceFirst("^0+(?=.)", "");
                return a.length() != b.length() ? Integer.compare(a.length(), b.length())
                        : Integer.signum(a.compareTo(b));
            }
            if (np != nq) {
                return np ? 1 : -1;
            }
            return Integer.signum(p.compareTo(q));
        }

        private static List<String> tokens(String s) {
            List<String> out = new ArrayList<>();
            if (s != null) {
                Matcher m = TOKEN.matcher(s);
                while (m.find()) {
                    out.add(m.group());
                }
            }
            return out;
        }
    }
}
