package io.migplan.scheduler.compatibility;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.instance;
import static io.migplan.scheduler.testsupport.Snapshots.parent;
import static io.migplan.scheduler.testsupport.Snapshots.type;
import static io.migplan.scheduler.testsupport.Snapshots.vm;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.ParentKind;
import io.migplan.proto.v1.Problem;
import io.migplan.proto.v1.ProblemSource;
import io.migplan.proto.v1.SignatureSource;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which changes of a host's report keep its compatibility verdicts, and which make them stale. */
class TargetFactsTest {

    static final String SIG = "nvidia-231/T4/nvidia-550.90.07";
    static final String A = "0000:3b:00.0";
    static final String B = "0000:d8:00.0";
    static final String MDEV = "0a3e1b6c-7d2f-4c1e-9b7a-5f0e2d3c4b01";

    /** Two T4s, one with a version attribute, one type with parsed attributes and usage files. */
    static HostSnapshot base() {
        DeviceType versioned = type("nvidia-231", 8, SIG).toBuilder()
                .putRaw("version", SIG + "\nnvidia-231/T4/nvidia-550.54.15\n").putRaw("available_instances", "8\n")
                .putRaw("device_api", "vfio-pci\n").putAttributes("framebuffer_mib", "2048").build();
        return host("dst", 1, "127.0.0.1:7000")
                .addParents(parent(A, versioned).toBuilder().setCapacity(Capacity.newBuilder().setUsedInstances(0)))
                .addParents(parent(B, type("nvidia-231", 8, SIG), type("nvidia-222", 16, "nvidia-222/T4/x")))
                .build();
    }

    static HostSnapshot with(UnaryOperator<HostSnapshot.Builder> change) {
        return change.apply(base().toBuilder()).build();
    }

    static UnaryOperator<HostSnapshot.Builder> parentA(UnaryOperator<ParentDevice.Builder> change) {
        return s -> s.setParents(0, change.apply(s.getParents(0).toBuilder()));
    }

    static UnaryOperator<HostSnapshot.Builder> typeOnA(UnaryOperator<DeviceType.Builder> change) {
        return parentA(p -> p.setTypes(0, change.apply(p.getTypes(0).toBuilder())));
    }

    static Stream<Arguments> unchanged() {
        return Stream.of(
                Arguments.of("a VM and its device arrived", (UnaryOperator<HostSnapshot.Builder>) s -> s
                        .addInstances(instance(MDEV, "nvidia-231", A))
                        .addVms(vm("vm-1", "5d3c8e10-0000-4000-8000-000000000001", 4, 8192, MDEV))),
                Arguments.of("a type has fewer instances available, in its field and its file",
                        typeOnA(t -> t.setAvailableInstances(7).putRaw("available_instances", "7\n"))),
                Arguments.of("the capacity model counts an instance more",
                        parentA(p -> p.setCapacity(Capacity.newBuilder().setUsedInstances(1)))),
                Arguments.of("a newer generation scanned later",
                        (UnaryOperator<HostSnapshot.Builder>) s -> s.setGeneration(2).setScannedAtUnixMs(1_800_000_000_000L)),
                Arguments.of("CPUs, memory, labels and failure domain changed",
                        (UnaryOperator<HostSnapshot.Builder>) s -> s.setHost(s.getHost().toBuilder().setCpus(64)
                                .setMemoryMib(1).putLabels("pool", "other").setFailureDomain("rack-z"))),
                Arguments.of("libvirt could not be read", (UnaryOperator<HostSnapshot.Builder>) s -> s
                        .addProblems(Problem.newBuilder().setPath("qemu:///system").setMessage("down")
                                .setSource(ProblemSource.PROBLEM_SOURCE_LIBVIRT))));
    }

    static Stream<Arguments> changed() {
        return Stream.of(
                Arguments.of("the release changed", (UnaryOperator<HostSnapshot.Builder>) s -> s
                        .setHost(s.getHost().toBuilder().setRelease("2025.1.1"))),
                Arguments.of("another agent answers", (UnaryOperator<HostSnapshot.Builder>) s -> s
                        .setHost(s.getHost().toBuilder().setAgentEndpoint("127.0.0.1:7001"))),
                Arguments.of("the driver was upgraded", parentA(p -> p.setDriverVersion("550.127.05"))),
                Arguments.of("another driver is bound", parentA(p -> p.setDriver("vfio-pci"))),
                Arguments.of("the board differs", parentA(p -> p.setBoard("T4G"))),
                Arguments.of("the device id differs", parentA(p -> p.setDeviceId("0x1eb9"))),
                Arguments.of("the parent became a VF of a physical GPU", parentA(p -> p.setPhysicalFunction(B))),
                Arguments.of("the parent is of another kind", parentA(p -> p.setKind(ParentKind.PARENT_KIND_NVIDIA_VGPU))),
                Arguments.of("a parent's address changed", parentA(p -> p.setAddress("0000:3c:00.0"))),
                Arguments.of("a parent is gone", (UnaryOperator<HostSnapshot.Builder>) s -> s.removeParents(1)),
                Arguments.of("a parent was added", (UnaryOperator<HostSnapshot.Builder>) s -> s
                        .addParents(parent("0000:af:00.0", type("nvidia-231", 8, SIG)))),
                Arguments.of("the parents are listed in another order", (UnaryOperator<HostSnapshot.Builder>) s -> {
                    ParentDevice first = s.getParents(0);
                    return s.setParents(0, s.getParents(1)).setParents(1, first);
                }),
                Arguments.of("a type was added", parentA(p -> p.addTypes(type("nvidia-230", 4, "nvidia-230/T4/x")))),
                Arguments.of("a type was removed", (UnaryOperator<HostSnapshot.Builder>) s -> s
                        .setParents(1, s.getParents(1).toBuilder().removeTypes(1))),
                Arguments.of("a type's signature changed", typeOnA(t -> t.setSignature(SIG + "-2"))),
                Arguments.of("a type's signature is derived now",
                        typeOnA(t -> t.setSignatureSource(SignatureSource.SIGNATURE_SOURCE_VERSION_ATTRIBUTE))),
                Arguments.of("the version attribute accepts another version",
                        typeOnA(t -> t.putRaw("version", SIG + "\nnvidia-231/T4/nvidia-535.0\n"))),
                Arguments.of("an attribute file appeared", typeOnA(t -> t.putRaw("migration_version", SIG))),
                Arguments.of("a parsed attribute changed", typeOnA(t -> t.putAttributes("framebuffer_mib", "4096"))),
                Arguments.of("the type's name changed", typeOnA(t -> t.setName("GRID T4-2B"))),
                Arguments.of("the type's description changed", typeOnA(t -> t.setDescription("num_heads=2"))),
                Arguments.of("the device API changed", typeOnA(t -> t.setDeviceApi("vfio-ap"))),
                Arguments.of("a value moved into the next field's place", typeOnA(t -> t.setName("")
                        .setDescription("GRID T4-2Q" + t.getDescription()))));
    }

    @ParameterizedTest(name = "{0}: the verdicts hold")
    @MethodSource("unchanged")
    void aChangeOfUsageOnlyKeepsTheDigest(String change, UnaryOperator<HostSnapshot.Builder> edit) {
        assertThat(TargetFacts.digest(with(edit))).isPresent().isEqualTo(TargetFacts.digest(base()));
    }

    @ParameterizedTest(name = "{0}: the verdicts are asked again")
    @MethodSource("changed")
    void aChangeOfWhatAProbeReadsChangesTheDigest(String change, UnaryOperator<HostSnapshot.Builder> edit) {
        assertThat(TargetFacts.digest(with(edit))).isPresent().isNotEqualTo(TargetFacts.digest(base()));
    }

    @Test
    void aReportThatCouldNotReadItsDevicesHasNoDigest() {
        for (ProblemSource source : new ProblemSource[] {ProblemSource.PROBLEM_SOURCE_SYSFS,
                ProblemSource.PROBLEM_SOURCE_HOST, ProblemSource.PROBLEM_SOURCE_SCAN,
                ProblemSource.PROBLEM_SOURCE_UNSPECIFIED}) {
            HostSnapshot partial = base().toBuilder().addProblems(Problem.newBuilder().setPath("/sys/class/mdev_bus")
                    .setMessage("unreadable").setSource(source)).build();
            assertThat(TargetFacts.digest(partial)).as(source.name()).isEmpty();
        }
    }
}
