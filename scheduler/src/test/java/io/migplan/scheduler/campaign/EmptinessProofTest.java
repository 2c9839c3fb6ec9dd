package io.migplan.scheduler.campaign;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.instance;
import static io.migplan.scheduler.testsupport.Snapshots.vm;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.Problem;
import io.migplan.proto.v1.ProblemSource;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a fresh scan must show for its host to count as empty: the rule alone, without asking an agent. */
class EmptinessProofTest {

    static HostSnapshot.Builder scan() {
        return host("h1", 9, "127.0.0.1:9400");
    }

    static Problem problem(ProblemSource source, String path) {
        return Problem.newBuilder().setSource(source).setPath(path).setMessage("unreadable").build();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("nothing on it: empty", scan(), ""),
                Arguments.of("a host-facts problem hides no VM: empty",
                        scan().addProblems(problem(ProblemSource.PROBLEM_SOURCE_HOST, "/proc/meminfo")), ""),
                Arguments.of("another host's answer proves nothing", host("h2", 9, ""),
                        "the agent asked for host h1 answered as host h2"),
                Arguments.of("a VM", scan().addVms(vm("vm-a", "u-a", 1, 1)),
                        "a fresh scan of host h1 still shows 1 VM: vm-a"),
                Arguments.of("many VMs are named up to three",
                        scan().addVms(vm("a", "1", 1, 1)).addVms(vm("b", "2", 1, 1)).addVms(vm("c", "3", 1, 1))
                                .addVms(vm("d", "4", 1, 1)).addVms(vm("e", "5", 1, 1)),
                        "a fresh scan of host h1 still shows 5 VMs: a, b, c and 2 more"),
                Arguments.of("an active mdev without a VM",
                        scan().addInstances(instance("m-1", "nvidia-231", "0000:3b:00.0")),
                        "a fresh scan of host h1 still shows 1 active mdev: m-1 (nvidia-231)"),
                Arguments.of("a libvirt problem (a domain file that did not parse may be a running VM)",
                        scan().addProblems(problem(ProblemSource.PROBLEM_SOURCE_LIBVIRT, "/run/libvirt/qemu/x.xml")),
                        "a fresh scan of host h1 could not read everything, so it proves nothing (1 problem):"
                                + " /run/libvirt/qemu/x.xml: unreadable"),
                Arguments.of("a sysfs problem",
                        scan().addProblems(problem(ProblemSource.PROBLEM_SOURCE_SYSFS, "/sys/bus/mdev/devices/m")),
                        "a fresh scan of host h1 could not read everything, so it proves nothing (1 problem):"
                                + " /sys/bus/mdev/devices/m: unreadable"),
                Arguments.of("a problem of an agent that does not say its source",
                        scan().addProblems(problem(ProblemSource.PROBLEM_SOURCE_UNSPECIFIED, "/x")),
                        "a fresh scan of host h1 could not read everything, so it proves nothing (1 problem):"
                                + " /x: unreadable"),
                Arguments.of("a scan that stopped early",
                        scan().addProblems(problem(ProblemSource.PROBLEM_SOURCE_SCAN, "/")),
                        "a fresh scan of host h1 could not read everything, so it proves nothing (1 problem):"
                                + " /: unreadable"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void judge(String name, HostSnapshot.Builder scan, String why) {
        EmptinessProof.Finding f = EmptinessProof.judge("h1", scan.build());
        assertThat(f.why()).isEqualTo(why);
        assertThat(f.empty()).isEqualTo(why.isEmpty());
    }
}
