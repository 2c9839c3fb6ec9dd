package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.error.Rejection;
import static io.migplan.scheduler.testsupport.Views.NOW;
import static io.migplan.scheduler.testsupport.Views.host;
import static io.migplan.scheduler.testsupport.Views.vm;
import static io.migplan.scheduler.testsupport.Views.withRelease;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.PlacementRequest;
import java.util.ArrayList;
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

    static Stream<Arguments> directions() {
        return Stream.of(
                Arguments.of("the same release is not older", "2025.1", "2025.1", false, false),
                Arguments.of("the same release spelled otherwise is not older", "2025.1", "2025.01", false, false),
                Arguments.of("a newer release is not older", "2025.1", "2025.2", false, false),
                Arguments.of("an older release is older", "2025.1", "2024.4", false, true),
                Arguments.of("an older release is not held against a policy that allows backward", "2025.1", "2024.4",
                        true, false),
                Arguments.of("a target that reported no release cannot be judged", "2025.1", "", false, false),
                Arguments.of("a target without any release cannot be judged", "2025.1", null, false, false),
                Arguments.of("a source that reported no release cannot be judged", "", "2024.4", false, false),
                Arguments.of("a source without any release cannot be judged", null, "2024.4", false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("directions")
    void isOlderIsTheRuleTheFilterApplies(String name, String source, String target, boolean allowBackward,
            boolean older) {
        assertThat(ReleaseDirectionFilter.isOlder(source, target, allowBackward)).isEqualTo(older);

        PlacementRequest request = new PlacementRequest("vm-1", "uuid-1", "src", source, 4, 8192, List.of(), NOW, "");
        HostView host = withRelease(host("h"), target);
        assertThat(new ReleaseDirectionFilter(allowBackward).filter(request, host).isEmpty()).isEqualTo(!older);
        List<String> tallied = new ArrayList<>();
        new ReleaseDirectionFilter(allowBackward).tally(request, host, (code, phrase) -> tallied.add(code));
        assertThat(tallied.isEmpty()).isEqualTo(!older);
    }
}
