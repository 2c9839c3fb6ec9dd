package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.error.Rejection;
import static io.migplan.scheduler.testsupport.Views.device;
import static io.migplan.scheduler.testsupport.Views.host;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.placement.filter.DeviceAllocator.Landing;
import io.migplan.scheduler.compatibility.ProbeOutcome;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CompatibilityFilterTest {

    static final List<Landing> ONE = List.of(new Landing(device("u1", "nvidia-231"), "0000:d8:00.0"));

    static ProbeOutcome answered(Verdict verdict, String code, String message) {
        return new ProbeOutcome.Answered("127.0.0.1:9400", Map.of("u1", ProbeAnswer.newBuilder().setId("u1")
                .setVerdict(verdict).setCode(code).setMessage(message).build()));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("a COMPATIBLE verdict passes", ONE, answered(Verdict.VERDICT_COMPATIBLE, "", ""), List.of()),
                Arguments.of("a VM without mdevs passes without any answer", List.of(),
                        new ProbeOutcome.Failed("never asked"), List.of()),
                Arguments.of("an INCOMPATIBLE verdict carries the agent's code and sentence", ONE,
                        answered(Verdict.VERDICT_INCOMPATIBLE, "SIGNATURE_MISMATCH", "driver 535 here"),
                        List.of(new Rejection("PROBE_INCOMPATIBLE", "host h5: nvidia-231 on 0000:d8:00.0 does not accept"
                                + " the state of mdev u1 (nvidia-231 from 0000:3b:00.0) - SIGNATURE_MISMATCH: driver 535"
                                + " here", "probe incompatible"))),
                Arguments.of("an UNKNOWN verdict is never compatible", ONE,
                        answered(Verdict.VERDICT_UNKNOWN, "NO_BACKEND", "no probe backend for nvidia-231"),
                        List.of(new Rejection("PROBE_UNKNOWN", "host h5: compatibility of nvidia-231 on 0000:d8:00.0 with"
                                + " mdev u1 unknown - NO_BACKEND: no probe backend for nvidia-231", "probe unknown"))),
                Arguments.of("an unspecified verdict counts as unknown", ONE,
                        answered(Verdict.VERDICT_UNSPECIFIED, "", ""),
                        List.of(new Rejection("PROBE_UNKNOWN", "host h5: compatibility of nvidia-231 on 0000:d8:00.0 with"
                                + " mdev u1 unknown - no explanation given", "probe unknown"))),
                Arguments.of("an answer missing for a device is unknown", ONE,
                        new ProbeOutcome.Answered("127.0.0.1:9400", Map.of()),
                        List.of(new Rejection("PROBE_UNKNOWN", "host h5: compatibility of nvidia-231 on 0000:d8:00.0"
                                + " unknown: agent at 127.0.0.1:9400 gave no answer for mdev u1", "probe unknown"))),
                Arguments.of("an unreachable agent is unknown, saying why", ONE,
                        new ProbeOutcome.Failed("agent at 127.0.0.1:1 is unreachable (UNAVAILABLE)"),
                        List.of(new Rejection("PROBE_UNKNOWN", "host h5: compatibility of nvidia-231 on 0000:d8:00.0"
                                + " unknown: agent at 127.0.0.1:1 is unreachable (UNAVAILABLE)", "probe unknown"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filter(String name, List<Landing> landings, ProbeOutcome outcome, List<Rejection> expected) {
        assertThat(new CompatibilityFilter().filter(host("h5"), landings, outcome)).isEqualTo(expected);
    }
}
