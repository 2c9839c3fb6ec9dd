package io.migplan.scheduler.inventory;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.instance;
import static io.migplan.scheduler.testsupport.Snapshots.parent;
import static io.migplan.scheduler.testsupport.Snapshots.report;
import static io.migplan.scheduler.testsupport.Snapshots.type;
import static io.migplan.scheduler.testsupport.Snapshots.vm;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ReportInventoryRequest;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SnapshotValidatorTest {

    static HostSnapshot.Builder ok() {
        return host("h1", 3, "127.0.0.1:9400")
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 6, "s")))
                .addInstances(instance("u1", "nvidia-231", "0000:3b:00.0"))
                .addVms(vm("vm-a", "v1", 4, 8192, "u1"));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("a complete snapshot is accepted", report(ok()), List.of()),
                Arguments.of("an instance whose type or parent was not listed is still accepted",
                        report(ok().addInstances(instance("u2", "i915-GVTg_V5_8", "0000:00:02.0"))), List.of()),
                Arguments.of("a missing snapshot is named", ReportInventoryRequest.getDefaultInstance(),
                        List.of("snapshot is missing")),
                Arguments.of("a missing host is named", report(ok().clearHost()), List.of("snapshot.host is missing")),
                Arguments.of("an empty host id is named", report(ok().setHost(ok().getHost().toBuilder().setId(""))),
                        List.of("snapshot.host.id is empty")),
                Arguments.of("a negative generation is named", report(ok().setGeneration(-1)),
                        List.of("snapshot.generation is negative (-1)")),
                Arguments.of("a repeated parent address is named with its first position",
                        report(ok().addParents(parent("0000:3b:00.0"))),
                        List.of("snapshot.parents[1].address '0000:3b:00.0' repeats snapshot.parents[0].address")),
                Arguments.of("a negative available count is named",
                        report(ok().addParents(parent("0000:d8:00.0", type("nvidia-231", -1, "s")))),
                        List.of("snapshot.parents[1].types[0].available_instances is negative (-1)")),
                Arguments.of("a repeated instance uuid is named",
                        report(ok().addInstances(instance("u1", "nvidia-231", "0000:3b:00.0"))),
                        List.of("snapshot.instances[1].uuid 'u1' repeats snapshot.instances[0].uuid")),
                Arguments.of("a repeated VM uuid is named", report(ok().addVms(vm("vm-b", "v1", 1, 1))),
                        List.of("snapshot.vms[1].uuid 'v1' repeats snapshot.vms[0].uuid")),
                Arguments.of("an empty VM uuid is named: a VM's identity is its domain UUID",
                        report(ok().addVms(vm("vm-b", " ", 1, 1))), List.of("snapshot.vms[1].uuid is empty")),
                Arguments.of("an overlong VM uuid is refused", report(ok().addVms(vm("vm-b", "u".repeat(65), 1, 1))),
                        List.of("snapshot.vms[1].uuid is 65 characters long, at most 64")),
                Arguments.of("an mdev held by two VMs is named", report(ok().addVms(vm("vm-b", "v2", 1, 1, "u1"))),
                        List.of("snapshot.vms[1].device_uuids[0] 'u1' repeats the one of snapshot.vms[0]")),
                Arguments.of("an empty VM name is named", report(ok().addVms(vm("", "v2", 1, 1))),
                        List.of("snapshot.vms[1].name is empty")),
                Arguments.of("a generation that would freeze the host is refused",
                        report(ok().setGeneration(Long.MAX_VALUE)),
                        List.of("snapshot.generation 9223372036854775807 is more than 24 h ahead of the scheduler's"
                                + " clock (1796428800000 ms): generations follow the agent's clock, which is wrong")),
                Arguments.of("a scan time out of range is refused", report(ok().setScannedAtUnixMs(Long.MIN_VALUE)),
                        List.of("snapshot.scanned_at_unix_ms -9223372036854775808 is not between"
                                + " 2000-01-01T00:00:00Z and 24 h after the scheduler's clock")),
                Arguments.of("a NUL in a VM name is refused", report(ok().addVms(vm("a\u0000b", "v2", 1, 1))),
                        List.of("snapshot.vms[1].name contains a control character (U+0000) at 1")),
                Arguments.of("a newline in a problem text is refused", report(ok().addProblems(
                                io.migplan.proto.v1.Problem.newBuilder().setPath("/sys").setMessage("x\nforged"))),
                        List.of("snapshot.problems[0].message contains a control character (U+000A) at 1")),
                Arguments.of("an overlong host id is refused", report(ok().setHost(ok().getHost().toBuilder()
                                .setId("h".repeat(300)))),
                        List.of("snapshot.host.id is 300 characters long, at most 253")),
                Arguments.of("vCPUs no host has are refused, so a host's sum cannot overflow",
                        report(ok().addVms(vm("vm-b", "v2", Integer.MAX_VALUE, 1))),
                        List.of("snapshot.vms[1].vcpus is 2147483647, not between 0 and 4096")),
                Arguments.of("more instances than a parent can have are refused",
                        report(ok().addParents(parent("0000:d8:00.0", type("nvidia-231", Integer.MAX_VALUE, "s")))),
                        List.of("snapshot.parents[1].types[0].available_instances is 2147483647, not between 0 and"
                                + " 65536")),
                Arguments.of("a libvirt URI is accepted, and so is none (an agent older than the field)",
                        report(ok().setHost(ok().getHost().toBuilder().setLibvirtUri("qemu+tls://h1/system"))),
                        List.of()),
                Arguments.of("a libvirt URI without a scheme is refused",
                        report(ok().setHost(ok().getHost().toBuilder().setLibvirtUri("h1/system"))),
                        List.of("snapshot.host.libvirt_uri 'h1/system' is not a URI with a scheme, such as"
                                + " qemu+tls://host/system")),
                Arguments.of("an overlong libvirt URI is refused",
                        report(ok().setHost(ok().getHost().toBuilder()
                                .setLibvirtUri("qemu+ssh://" + "h".repeat(250) + "/system"))),
                        List.of("snapshot.host.libvirt_uri is 268 characters long, at most 256")),
                Arguments.of("a host with more VMs than the bound is refused before each is read",
                        report(manyVms(10_001)), List.of("snapshot.vms has 10001 entries, at most 10000")));
    }

    private static HostSnapshot.Builder manyVms(int n) {
        HostSnapshot.Builder b = host("h1", 3, "127.0.0.1:9400");
        for (int i = 0; i < n; i++) {
            b.addVms(vm("vm-" + i, "u-" + i, 1, 1));
        }
        return b;
    }

    /** A fixed clock: 2026-12-05T00:00:00Z. */
    static final Instant NOW = Instant.ofEpochMilli(1_796_428_800_000L);

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validate(String name, ReportInventoryRequest request, List<String> expected) {
        assertThat(SnapshotValidator.validate(request, NOW)).isEqualTo(expected);
    }
}
