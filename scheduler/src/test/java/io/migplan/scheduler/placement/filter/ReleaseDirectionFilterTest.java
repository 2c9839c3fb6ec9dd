package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.error.Rejection;
import static io.migplan.scheduler.testsupport.Views.host;
import static io.migplan.scheduler.testsupport.Views.vm;
import static io.migplan.scheduler.testsupport.Views.withRelease;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.snapshot.HostView;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReleaseDirectionFilterTest {

    // vm() runs on host "src" at release 2025.1.
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("a target on the same release passes", false, withRelease(host("h1"), "2025.1"), List.of()),
                Arguments.of("a target on a newer release passes (forward)", false,
                        withRelease(host("h2"), "2025.2"), List.of()),
                Arguments.of("a target on an older release is rejected by default", false,
                        withRelease(host("h3"), "2024.4"),
                        List.of(new Rejection("OLDER_RELEASE", "host h3 runs release 2024.4, older than 2025.1 on src:"
                                + " backward migration is not allowed by policy", "older release"))),
                Arguments.of("an older release passes when policy allows backward (the probe still decides)", true,
                        withRelease(host("h4"), "2024.4"), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filter(String name, boolean allowBackward, HostView host, List<Rejection> expected) {
        assertThat(new ReleaseDirectionFilter(allowBackward).filter(vm(), host)).isEqualTo(expected);
    }
}
