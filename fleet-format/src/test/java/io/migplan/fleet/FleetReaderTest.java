package io.migplan.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FleetReaderTest {

  private static final FleetReader READER = new FleetReader("this reader", "read it with a newer one");

  static String host(String id, String extra) {
    return "{\"id\":\"" + id + "\",\"state\":\"UP\",\"adminState\":\"ACTIVE\",\"inventory\":{\"host\":{\"id\":\""
        + id + "\",\"cpus\":32}},\"verdicts\":[{\"parent\":\"p\",\"typeId\":\"t\",\"sourceSignature\":\"s\","
        + "\"verdict\":\"COMPATIBLE\"}]" + extra + "}";
  }

  static String doc(String... hosts) {
    return "{\"format\":\"migplan-fleet\",\"version\":1,\"takenAt\":\"2026-12-06T07:00:00Z\",\"hostCount\":"
        + hosts.length + ",\"hosts\":[" + String.join(",", hosts) + "]}";
  }

  record Read(Instant takenAt, List<FleetReader.Host> hosts) {}

  static Read parse(String json) throws IOException {
    return READER.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), FleetReader.MAX_BYTES,
        (h, at, who) -> h, Read::new);
  }

  @Test
  void aWellFormedDocumentIsReadWithEachHostsInventoryAndVerdictsInTheFilesOrder() throws IOException {
    Read read = parse(doc(host("h2", ""), host("h1", "")));

    assertThat(read.takenAt()).isEqualTo(Instant.parse("2026-12-06T07:00:00Z"));
    assertThat(read.hosts()).extracting(FleetReader.Host::id).containsExactly("h2", "h1");
    assertThat(read.hosts().get(0).inventory().getHost().getCpus()).isEqualTo(32);
    assertThat(read.hosts().get(0).verdicts()).containsExactly(
        new FleetReader.Verdict("p", "t", "s", "COMPATIBLE", "", "", ""));
    assertThat(read.hosts().get(1).state()).isEqualTo("UP");
  }

  @Test
  void eachHostIsTheReadersOwnAndTheFirstRefusalInTheFilesOrderWins() {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 250; i++) {
      many.append(i == 0 ? "" : ",").append(host("h" + i, ""));
    }
    String json = doc(many.toString().split(",(?=\\{\"id\")"));

    assertThatThrownBy(() -> READER.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
        FleetReader.MAX_BYTES, (h, at, who) -> {
          if (h.id().equals("h130") || h.id().equals("h150")) {
            throw new InvalidFleetException(at, who + "refused");
          }
          return h.id();
        }, (t, hosts) -> hosts))
        .isInstanceOfSatisfying(InvalidFleetException.class, e -> assertThat(e.field()).isEqualTo("hosts[130]"))
        .hasMessage("host h130: refused");
  }

  static Stream<Arguments> refused() {
    String ok = host("h1", "");
    return Stream.of(
        Arguments.of("a list instead of an object", "[]", "", "a fleet file is one JSON object"),
        Arguments.of("a document of another format", doc(ok).replace("migplan-fleet", "other"), "format",
            "format must be \"migplan-fleet\", got \"other\""),
        Arguments.of("a newer version", doc(ok).replace("\"version\":1", "\"version\":2"), "version",
            "version 2 is not one this reader reads (1..1); read it with a newer one"),
        Arguments.of("a time that is none", doc(ok).replace("2026-12-06T07:00:00Z", "noon"), "takenAt",
            "takenAt must be an instant such as 2026-12-06T07:00:00Z, got 'noon'"),
        Arguments.of("a truncated export", doc(ok).replace("\"hostCount\":1", "\"hostCount\":2"), "hostCount",
            "hostCount says 2 hosts but the file lists 1 (a truncated export?)"),
        Arguments.of("an unknown field of the document", doc(ok).replace("\"version\"", "\"extra\":1,\"version\""),
            "extra", "unknown field 'extra'"),
        Arguments.of("an unknown field of a host", doc(host("h1", ",\"color\":\"red\"")), "hosts[0].color",
            "host h1: unknown field 'color'"),
        Arguments.of("a host without an inventory", doc("{\"id\":\"h1\"}"), "hosts[0].inventory",
            "host h1: inventory is required"),
        Arguments.of("an unknown field of an inventory", doc(ok.replace("\"cpus\":32", "\"colour\":1")),
            "hosts[0].inventory", "host h1: inventory is not a host snapshot: unknown field 'colour' in"
                + " inventory.host (the fields of a migplan.v1.Host are id, release, cpus, memoryMib,"),
        Arguments.of("a bad inventory of a host whose id comes last", doc("{\"inventory\":{\"vms\":[{\"vcpus\""
            + ":\"many\"}]},\"id\":\"h1\"}"), "hosts[0].inventory", "host h1: inventory is not a host snapshot:"
                + " inventory.vms[0].vcpus must be an int32 number, got \"many\""),
        Arguments.of("an unknown field of a host whose id comes last", doc("{\"inventory\":{},\"x\":1,\"id\":\"h1\"}"),
            "hosts[0].x", "host h1: unknown field 'x'"),
        Arguments.of("an inventory that is not an object", doc("{\"id\":\"h1\",\"inventory\":[]}"),
            "hosts[0].inventory", "host h1: inventory is required"),
        Arguments.of("a name given twice", doc(ok.replace("\"state\":\"UP\"", "\"state\":\"UP\",\"state\":\"DOWN\"")),
            "", "not a fleet document: Duplicate field 'state'"),
        Arguments.of("a verdict that is not an object", doc(ok.replace("[{\"parent\"", "[7,{\"parent\"")),
            "hosts[0].verdicts[0]", "host h1: hosts[0].verdicts[0] must be an object"),
        Arguments.of("verdicts that are not a list", doc(host("h1", "").replace("\"verdicts\":[", "\"verdicts\":{\"a\":[")
            .replace("\"}]}", "\"}]}}")), "hosts[0].verdicts", "host h1: verdicts must be a list"),
        Arguments.of("an unknown field of a verdict", doc(ok.replace("\"verdict\":", "\"mood\":1,\"verdict\":")),
            "hosts[0].verdicts[0].mood", "host h1: unknown field 'mood' in hosts[0].verdicts[0]"),
        Arguments.of("a number where a string belongs", doc(ok.replace("\"UP\"", "7")), "hosts[0].state",
            "hosts[0].state must be a string, got NUMBER"),
        Arguments.of("a host id with a line break", doc(host("h\\n1", ",\"x\":1")), "hosts[0].x",
            "host h\\n1: unknown field 'x'"),
        Arguments.of("JSON nested deeper than an export", doc(host("h1", ",\"x\":" + "[".repeat(20)
            + "]".repeat(20))), "", "not a fleet document"),
        Arguments.of("a string longer than any export holds", doc(host("h1", ",\"adminReason\":\""
            + "a".repeat(FleetReader.MAX_STRING + 1) + "\"")), "", "not a fleet document"));
  }

  @ParameterizedTest(name = "{0} is refused naming {2}")
  @MethodSource("refused")
  void aDocumentThatIsNotAFleetIsRefusedNamingTheHostAndField(String what, String json, String field,
      String sentence) {
    assertThatThrownBy(() -> parse(json))
        .isInstanceOfSatisfying(InvalidFleetException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageContaining(sentence);
  }

  @Test
  void aHostWrittenWithItsIdLastIsReadAsOneWrittenWithItFirst() throws IOException {
    String first = host("h1", ",\"adminReason\":null");
    String last = "{\"verdicts\":null,\"inventory\":{\"host\":{\"id\":\"h1\",\"cpus\":32}},\"state\":\"UP\","
        + "\"adminState\":\"ACTIVE\",\"id\":\"h1\"}";

    List<FleetReader.Host> read = parse(doc(first, last)).hosts();

    assertThat(read.get(1)).isEqualTo(new FleetReader.Host("h1", "UP", "ACTIVE", "", read.get(0).inventory(),
        List.of()));
  }

  @Test
  void aHostTheFileCannotHoldIsRefusedAfterAnEarlierHostItsReaderRefuses() {
    String json = doc(host("h1", ""), host("h2", ""), host("h3", ",\"color\":1"));

    assertThatThrownBy(() -> READER.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
        FleetReader.MAX_BYTES, (h, at, who) -> {
          if (h.id().equals("h2")) {
            throw new InvalidFleetException(at, who + "refused");
          }
          return h.id();
        }, (t, hosts) -> hosts))
        .isInstanceOfSatisfying(InvalidFleetException.class, e -> assertThat(e.field()).isEqualTo("hosts[1]"))
        .hasMessage("host h2: refused");
  }

  @Test
  void moreHostsThanTheFormatAllowsAreRefusedBeforeTheRestIsRead() {
    StringBuilder json = new StringBuilder("{\"format\":\"migplan-fleet\",\"version\":1,\"hosts\":[");
    for (int i = 0; i <= FleetReader.MAX_HOSTS; i++) {
      json.append(i == 0 ? "" : ",").append("{\"id\":\"h\",\"inventory\":{}}");
    }
    assertThatThrownBy(() -> parse(json.append("]}").toString()))
        .isInstanceOfSatisfying(InvalidFleetException.class, e -> assertThat(e.field()).isEqualTo("hosts"))
        .hasMessage("the file has more than " + FleetReader.MAX_HOSTS + " hosts, the most a fleet file holds");
  }

  @Test
  void aFileLargerThanTheBoundIsRefusedWhileItIsRead() {
    byte[] bytes = doc(host("h1", "")).getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> READER.read(new ByteArrayInputStream(bytes), 100, (h, at, who) -> h, Read::new))
        .isInstanceOf(InvalidFleetException.class).hasMessage("the fleet file is larger than 100 bytes");
  }

  @Test
  void aRefusalOfAFileNamesTheFileEvenWhenTheReadersOwnCheckRefusesIt(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("fleet.json");
    Files.writeString(file, doc(host("h1", "")));

    assertThatThrownBy(() -> READER.read(file, (h, at, who) -> h, (t, hosts) -> {
      throw new InvalidFleetException("hosts", "too few hosts");
    })).isInstanceOfSatisfying(InvalidFleetException.class, e -> assertThat(e.field()).isEqualTo("hosts"))
        .hasMessage("fleet file " + file + ": too few hosts");
  }
}
