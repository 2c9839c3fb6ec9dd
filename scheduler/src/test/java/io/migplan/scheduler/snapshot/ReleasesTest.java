package io.migplan.scheduler.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
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
}
