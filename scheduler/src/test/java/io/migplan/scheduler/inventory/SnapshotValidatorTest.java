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
                Arguments.of("an mdev held by two VMs is named", report(ok().addVms(vm("vm-b", "v2", 1, 1, "u1"))),
                        List.of("snapshot.vms[1].device_uuids[0] 'u1' repeats the one of snapshot.vms[0]")),
                Arguments.of("an empty VM name is named", report(ok().addVms(vm("", "v2", 1, 1))),
                        List.of("snapshot.vms[1].name is empty")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validate(String name, ReportInventoryRequest request, List<String> expected) {
        assertThat(SnapshotValidator.validate(request)).isEqualTo(expected);
    }
}
