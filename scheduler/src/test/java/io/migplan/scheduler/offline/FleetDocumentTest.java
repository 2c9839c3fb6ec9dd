package io.migplan.scheduler.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.offline.FleetDocument.InvalidFleetException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a fleet file must be to be planned on, and the sentences that refuse one that is not. */
class FleetDocumentTest {

    static final Instant NOW = Instant.parse("2026-12-06T08:00:00Z");

    /** A host of the file with {@code inventoryHost} as its inventory's host and {@code rest} after it. */
    static String host(String id, String extra, String inventoryRest) {
        return "{\"id\":\"" + id + "\",\"state\":\"UP\",\"adminState\":\"ACTIVE\",\"adminReason\":\"\"" + extra
                + ",\"inventory\":{\"host\":{\"id\":\"" + id + "\",\"release\":\"2025.1\",\"cpus\":32,"
                + "\"memoryMib\":\"65536\"}" + inventoryRest + "},\"verdicts\":[]}";
    }

    static String doc(String... hosts) {
        return "{\"format\":\"migplan-fleet\",\"version\":1,\"takenAt\":\"2026-12-06T07:00:00Z\",\"hostCount\":"
                + hosts.length + ",\"hosts\":[" + String.join(",", hosts) + "]}";
    }

    static String vm(String name, String uuid) {
        return "{\"name\":\"" + name + "\",\"uuid\":\"" + uuid + "\",\"vcpus\":4,\"memoryMib\":\"4096\"}";
    }

    @Test
    void aWellFormedFileIsReadWithItsHostsStatesAndInventories() {
        FleetDocument doc = FleetDocument.parse(doc(host("h1", "", ",\"vms\":[" + vm("vm-1", "u-1") + "]"),
                host("h2", "", "").replace("\"ACTIVE\"", "\"DRAINING\"")), NOW);

        assertThat(doc.takenAt()).isEqualTo(Instant.parse("2026-12-06T07:00:00Z"));
        assertThat(doc.hosts()).extracting(FleetDocument.Host::id).containsExactly("h1", "h2");
        assertThat(doc.hosts().get(0).inventory().getVms(0).getVcpus()).isEqualTo(4);
        assertThat(doc.hosts().get(1).adminState()).isEqualTo(AdminState.DRAINING);
    }

    static Stream<Arguments> refused() {
        String ok = host("h1", "", "");
        return Stream.of(
                Arguments.of("a document of another format", doc(ok).replace("migplan-fleet", "other"), "format",
                        "format must be \"migplan-fleet\", got \"other\""),
                Arguments.of("a newer version", doc(ok).replace("\"version\":1", "\"version\":2"), "version",
                        "version 2 is not one this scheduler reads (1..1)"),
                Arguments.of("a truncated export", doc(ok).replace("\"hostCount\":1", "\"hostCount\":2"), "hostCount",
                        "hostCount says 2 hosts but the file lists 1 (a truncated export?)"),
                Arguments.of("an unknown field of the document", doc(ok).replace("\"version\"", "\"extra\":1,\"version\""),
                        "extra", "unknown field 'extra'"),
                Arguments.of("an unknown field of a host", doc(host("h1", ",\"color\":\"red\"", "")), "hosts[0].color",
                        "host h1: unknown field 'color'"),
                Arguments.of("an unknown field of an inventory", doc(host("h1", "", ",\"colour\":1")), "hosts[0].inventory",
                        "host h1: inventory is not a host snapshot"),
                Arguments.of("an inventory of another host", doc(host("h1", "", "").replaceFirst("\"id\":\"h1\",\"release",
                        "\"id\":\"h9\",\"release")), "hosts[0].inventory.host.id",
                        "host h1: inventory.host.id is 'h9', not the host's id"),
                Arguments.of("a host the scheduler would refuse from its agent",
                        doc(host("h1", "", "").replace("\"cpus\":32", "\"cpus\":70000")), "hosts[0].inventory",
                        "host h1: inventory is not one the scheduler would accept from its agent: snapshot.host.cpus"),
                Arguments.of("a state that is none", doc(host("h1", "", "").replace("\"UP\"", "\"HAPPY\"")),
                        "hosts[0].state", "host h1: state must be one of [UP, STALE, DOWN], got 'HAPPY'"),
                Arguments.of("a verdict that is none", doc(host("h1", "", "").replace("\"verdicts\":[]",
                        "\"verdicts\":[{\"parent\":\"p\",\"typeId\":\"t\",\"sourceSignature\":\"s\",\"verdict\":\"MAYBE\"}]")),
                        "hosts[0].verdicts[0].verdict", "host h1: hosts[0].verdicts[0].verdict must be one of COMPATIBLE,"
                                + " INCOMPATIBLE, UNKNOWN, got 'MAYBE'"),
                Arguments.of("a host listed twice", doc(ok, ok), "hosts[1].id",
                        "host h1 is listed twice (hosts[0] and hosts[1])"),
                Arguments.of("a VM on two hosts", doc(host("h1", "", ",\"vms\":[" + vm("a", "u-1") + "]"),
                        host("h2", "", ",\"vms\":[" + vm("b", "u-1") + "]")), "hosts[1].inventory.vms[0].uuid",
                        "host h2: VM b has UUID u-1, which host h1 lists too"),
                Arguments.of("JSON nested deeper than an export", doc(host("h1", ",\"x\":" + "[".repeat(20)
                        + "]".repeat(20), "")), "",
                        "not a fleet document"),
                Arguments.of("a list instead of an object", "[]", "", "a fleet file is one JSON object"));
    }

    @ParameterizedTest(name = "{0} is refused naming {2}")
    @MethodSource("refused")
    void aFileThatCannotBePlannedOnIsRefusedNamingTheHostAndField(String what, String json, String field,
            String sentence) {
        assertThatThrownBy(() -> FleetDocument.parse(json, NOW))
                .isInstanceOfSatisfying(InvalidFleetException.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageContaining(sentence);
    }

    @Test
    void aFileLargerThanTheBoundIsRefusedWhileItIsRead() {
        byte[] bytes = doc(host("h1", "", "")).getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> FleetDocument.read(new ByteArrayInputStream(bytes), 100, NOW))
                .isInstanceOf(InvalidFleetException.class).hasMessage("the fleet file is larger than 100 bytes");
    }

    @Test
    void aRefusalOfAFileNamesTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("fleet.json");
        Files.writeString(file, doc(host("h1", "", "")).replace("\"version\":1", "\"version\":2"));

        assertThatThrownBy(() -> FleetDocument.read(file, NOW)).hasMessageStartingWith("fleet file " + file + ": version 2");
    }
}
