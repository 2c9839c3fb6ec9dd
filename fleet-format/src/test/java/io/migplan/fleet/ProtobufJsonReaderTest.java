package io.migplan.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Option;
import com.google.protobuf.util.JsonFormat;
import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.Host;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.ParentKind;
import io.migplan.proto.v1.Problem;
import io.migplan.proto.v1.ProblemSource;
import io.migplan.proto.v1.SignatureSource;
import io.migplan.proto.v1.TypeDemand;
import io.migplan.proto.v1.Vm;
import java.io.IOException;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProtobufJsonReaderTest {

  private static final JsonFactory JSON = new JsonFactory();

  /** {@code json} read by the reader under test into a fresh builder of {@code prototype}'s type. */
  static Message read(String json, Message prototype) throws IOException {
    try (JsonParser p = JSON.createParser(json)) {
      p.nextToken();
      Message.Builder builder = prototype.newBuilderForType();
      ProtobufJsonReader.merge(p, "inventory", builder);
      return builder.build();
    }
  }

  /** {@code json} read by protobuf's own JSON parser. */
  static Message jsonFormat(String json, Message prototype) throws IOException {
    Message.Builder builder = prototype.newBuilderForType();
    JsonFormat.parser().merge(json, builder);
    return builder.build();
  }

  /** An NVIDIA host as an agent reports it: every message of the snapshot, maps of each kind, an optional double. */
  static HostSnapshot nvidiaHost() {
    return HostSnapshot.newBuilder()
        .setHost(Host.newBuilder().setId("gpu-host-17").setRelease("2025.1").setCpus(64).setMemoryMib(515_072)
            .setFailureDomain("rack-3").putLabels("pool", "gpu-a").putLabels("zone", "z1")
            .setAgentEndpoint("gpu-host-17:9390").setCpuAllocationRatio(4.0).setReservedCpus(2)
            .setReservedMemoryMib(8192).setLibvirtUri("qemu+tls://gpu-host-17/system"))
        .setGeneration(9_007_199_254_740_993L)
        .addParents(ParentDevice.newBuilder().setAddress("0000:3b:00.0").setVendorId("0x10de").setDeviceId("0x1eb8")
            .setBoard("T4").setDriver("nvidia").setDriverVersion("550.90.07").setKind(ParentKind.PARENT_KIND_MDEV)
            .addTypes(DeviceType.newBuilder().setTypeId("nvidia-231").setName("GRID T4-2Q")
                .setDescription("num_heads=4, frl_config=60, framebuffer=2048M").setDeviceApi("vfio-pci")
                .setAvailableInstances(8).setSignature("nvidia-231/T4/550.90.07")
                .setSignatureSource(SignatureSource.SIGNATURE_SOURCE_DERIVED)
                .putAttributes("framebuffer_mib", "2048").putRaw("description", "num_heads=4\n\tframebuffer=2048M\n"))
            .setCapacity(Capacity.newBuilder().setRule(CapacityRule.CAPACITY_RULE_NVIDIA_EQUAL_SIZE).setGroup("pf")
                .setLockedFramebufferMib(2048).setUsedInstances(2).putPoolTotal("framebuffer_mib", 16_384)
                .putPoolFree("framebuffer_mib", 12_288).putUsedByType("nvidia-231", 2)
                .putDemand("nvidia-231", TypeDemand.newBuilder().putResources("framebuffer_mib", 2048)
                    .setMaxInstances(8).build())))
        .addInstances(DeviceInstance.newBuilder().setUuid("4b20d080-1b54-4048-85b3-a6a62d165c01")
            .setTypeId("nvidia-231").setParentAddress("0000:3b:00.0"))
        .addVms(Vm.newBuilder().setName("vm-1 ünïcødé ✓").setUuid("u1").setVcpus(8).setMemoryMib(-16_384)
            .addDeviceUuids("4b20d080-1b54-4048-85b3-a6a62d165c01").addDeviceUuids("x").setAntiAffinityGroup("db-1"))
        .addProblems(Problem.newBuilder().setPath("/sys/class/mdev_bus").setMessage("unreadable \"quoted\"")
            .setSource(ProblemSource.PROBLEM_SOURCE_SYSFS))
        .setScannedAtUnixMs(Long.MIN_VALUE)
        .build();
  }

  /**
   * A message of {@code prototype}'s type with most fields given a random value (maps and lists 0..3
   * long, messages 4 deep at most, a proto2 required field always).
   */
  static Message random(Message prototype, Random random, int depth) {
    Message.Builder builder = prototype.newBuilderForType();
    for (FieldDescriptor field : prototype.getDescriptorForType().getFields()) {
      if (!field.isRequired() && (random.nextInt(5) == 0
          || depth > 3 && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE)) {
        continue;
      }
      if (field.isMapField()) {
        FieldDescriptor value = field.getMessageType().findFieldByNumber(2);
        for (int i = random.nextInt(4); i > 0; i--) {
          Message.Builder entry = builder.newBuilderForField(field);
          entry.setField(field.getMessageType().findFieldByNumber(1), randomString(random));
          entry.setField(value, scalar(entry, value, random, depth));
          builder.addRepeatedField(field, entry.buildPartial());
        }
      } else if (field.isRepeated()) {
        for (int i = random.nextInt(4); i > 0; i--) {
          builder.addRepeatedField(field, scalar(builder, field, random, depth));
        }
      } else {
        builder.setField(field, scalar(builder, field, random, depth));
      }
    }
    return builder.buildPartial();
  }

  private static Object scalar(Message.Builder owner, FieldDescriptor field, Random random, int depth) {
    return switch (field.getJavaType()) {
      case INT -> random.nextBoolean() ? random.nextInt() : random.nextInt(100);
      case LONG -> random.nextBoolean() ? random.nextLong() : (long) random.nextInt(100);
      case FLOAT -> random.nextFloat();
      case DOUBLE -> switch (random.nextInt(5)) {
        case 0 -> Double.NaN;
        case 1 -> Double.NEGATIVE_INFINITY;
        default -> random.nextDouble() * Math.pow(10, random.nextInt(600) - 300);
      };
      case BOOLEAN -> random.nextBoolean();
      case STRING -> randomString(random);
      case BYTE_STRING -> ByteString.copyFrom(randomString(random).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      case ENUM -> random.nextInt(6) == 0 && !field.getEnumType().isClosed()
          ? field.getEnumType().findValueByNumberCreatingIfUnknown(1000 + random.nextInt(10))
          : field.getEnumType().getValues().get(random.nextInt(field.getEnumType().getValues().size()));
      case MESSAGE -> random(owner.newBuilderForField(field).getDefaultInstanceForType(), random, depth + 1);
    };
  }

  private static String randomString(Random random) {
    String chars = "abcXYZ09-_ :/\"\\\n\t\u00e9\u2713\ud83d\ude00{}[]";
    StringBuilder out = new StringBuilder();
    for (int i = random.nextInt(12); i > 0; i--) {
      char c = chars.charAt(random.nextInt(chars.length()));
      if (Character.isHighSurrogate(c)) {
        out.append(c).append('\ude00');
      } else if (!Character.isLowSurrogate(c)) {
        out.append(c);
      }
    }
    return out.toString();
  }

  static Stream<Arguments> printers() {
    return Stream.of(
        Arguments.of("json names", JsonFormat.printer()),
        Arguments.of("proto names", JsonFormat.printer().preservingProtoFieldNames()),
        Arguments.of("every field, one line", JsonFormat.printer().alwaysPrintFieldsWithNoPresence()
            .omittingInsignificantWhitespace()),
        Arguments.of("enums as numbers", JsonFormat.printer().printingEnumsAsInts()));
  }

  @ParameterizedTest(name = "printed with {0}")
  @MethodSource("printers")
  void anAgentsSnapshotIsReadIntoTheMessageJsonFormatReads(String how, JsonFormat.Printer printer)
      throws IOException {
    String json = printer.print(nvidiaHost());

    Message read = read(json, HostSnapshot.getDefaultInstance());

    assertThat(read).isEqualTo(jsonFormat(json, HostSnapshot.getDefaultInstance())).isEqualTo(nvidiaHost());
  }

  @ParameterizedTest(name = "printed with {0}")
  @MethodSource("printers")
  void generatedSnapshotsAreReadIntoTheMessagesJsonFormatReads(String how, JsonFormat.Printer printer)
      throws IOException {
    Random random = new Random(42);
    for (int i = 0; i < 300; i++) {
      Message snapshot = random(HostSnapshot.getDefaultInstance(), random, 0);
      String json = printer.print(snapshot);

      assertThat(read(json, HostSnapshot.getDefaultInstance())).as(json)
          .isEqualTo(jsonFormat(json, HostSnapshot.getDefaultInstance())).isEqualTo(snapshot);
    }
  }

  /** Proto2 messages with bools, bytes, uint64, closed enums, each scalar of the descriptor's own protos. */
  @Test
  void generatedMessagesOfEveryScalarKindAreReadIntoTheMessagesJsonFormatReads() throws IOException {
    Random random = new Random(7);
    for (Message prototype : new Message[] {DescriptorProtos.FileDescriptorProto.getDefaultInstance(),
        DescriptorProtos.UninterpretedOption.getDefaultInstance(), DescriptorProtos.FieldOptions.getDefaultInstance()}) {
      for (int i = 0; i < 100; i++) {
        Message message = random(prototype, random, 0);
        String json = JsonFormat.printer().print(message);

        assertThat(read(json, prototype)).as(json).isEqualTo(jsonFormat(json, prototype)).isEqualTo(message);
      }
    }
  }

  static Stream<Arguments> otherForms() {
    return Stream.of(
        Arguments.of("an int32 as a string", "{\"host\":{\"cpus\":\"32\"}}"),
        Arguments.of("an int32 in exponent form", "{\"host\":{\"cpus\":1e2}}"),
        Arguments.of("an int32 as a whole decimal string", "{\"host\":{\"cpus\":\"64.0\"}}"),
        Arguments.of("an int64 as a number", "{\"generation\":9007199254740993}"),
        Arguments.of("an int64 as a negative string", "{\"generation\":\"-9223372036854775808\"}"),
        Arguments.of("a double as a whole number", "{\"host\":{\"cpuAllocationRatio\":4}}"),
        Arguments.of("a double as a string", "{\"host\":{\"cpuAllocationRatio\":\"1.5e-3\"}}"),
        Arguments.of("a double that is not one", "{\"host\":{\"cpuAllocationRatio\":\"NaN\"}}"),
        Arguments.of("an enum by number", "{\"problems\":[{\"source\":2}]}"),
        Arguments.of("an enum by a number as a string", "{\"problems\":[{\"source\":\"3\"}]}"),
        Arguments.of("an enum by a number it does not name", "{\"problems\":[{\"source\":77}]}"),
        Arguments.of("nulls for fields", "{\"host\":null,\"parents\":null,\"generation\":null}"),
        Arguments.of("a map of messages by proto name", "{\"parents\":[{\"capacity\":{\"demand\":{\"t\":"
            + "{\"max_instances\":\"4\",\"resources\":{\"a\":\"1\",\"b\":2}}}}}]}"),
        Arguments.of("URL-safe base64 and a uint64 beyond a long", "{\"identifierValue\":\"n\","
            + "\"stringValue\":\"-_8=\",\"positiveIntValue\":\"18446744073709551615\",\"negativeIntValue\":-1}"),
        Arguments.of("bools as words", "{\"deprecated\":\"true\",\"lazy\":\"false\",\"packed\":true}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("otherForms")
  void everyFormJsonFormatAcceptsIsReadAsItReadsIt(String what, String json) throws IOException {
    Message prototype = json.contains("positiveIntValue") ? DescriptorProtos.UninterpretedOption.getDefaultInstance()
        : json.contains("deprecated") ? DescriptorProtos.FieldOptions.getDefaultInstance()
        : HostSnapshot.getDefaultInstance();

    assertThat(read(json, prototype)).isEqualTo(jsonFormat(json, prototype));
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("an unknown field", "{\"host\":{\"cpus\":1,\"colour\":\"red\"}}", "inventory.host.colour",
            "unknown field 'colour' in inventory.host (the fields of a migplan.v1.Host are id, release, cpus,"),
        Arguments.of("a word for a number", "{\"host\":{\"cpus\":\"many\"}}", "inventory.host.cpus",
            "inventory.host.cpus must be an int32 number, got \"many\""),
        Arguments.of("an int32 too large", "{\"host\":{\"cpus\":2147483648}}", "inventory.host.cpus",
            "inventory.host.cpus must be an int32 number, got \"2147483648\""),
        Arguments.of("a fraction for a whole number", "{\"generation\":\"1.5\"}", "inventory.generation",
            "inventory.generation must be an int64 number, got \"1.5\""),
        Arguments.of("an object for a number", "{\"host\":{\"memoryMib\":{}}}", "inventory.host.memoryMib",
            "inventory.host.memoryMib must be an int64 number, got an object"),
        Arguments.of("a list for a message", "{\"host\":[]}", "inventory.host",
            "inventory.host must be an object (a migplan.v1.Host), got a list"),
        Arguments.of("an object for a list", "{\"vms\":{}}", "inventory.vms", "inventory.vms must be a list, got an object"),
        Arguments.of("a list for a map", "{\"host\":{\"labels\":[]}}", "inventory.host.labels",
            "inventory.host.labels must be an object (a map), got a list"),
        Arguments.of("an enum name it does not have", "{\"parents\":[{\"kind\":\"PARENT_KIND_GPU\"}]}",
            "inventory.parents[0].kind", "inventory.parents[0].kind: \"PARENT_KIND_GPU\" is not a value of"
                + " migplan.v1.ParentKind (PARENT_KIND_UNSPECIFIED, PARENT_KIND_MDEV, PARENT_KIND_NVIDIA_VGPU)"),
        Arguments.of("a bool for an enum", "{\"problems\":[{\"source\":true}]}", "inventory.problems[0].source",
            "must be a migplan.v1.ProblemSource name or number, got true"),
        Arguments.of("a field by both its names", "{\"host\":{\"memoryMib\":1,\"memory_mib\":2}}",
            "inventory.host.memoryMib", "inventory.host.memoryMib is given twice"),
        Arguments.of("a null in a list", "{\"vms\":[{\"deviceUuids\":[\"a\",null]}]}", "inventory.vms[0].deviceUuids[1]",
            "inventory.vms[0].deviceUuids[1] is null; a list's elements cannot be"),
        Arguments.of("a null map value", "{\"parents\":[{\"capacity\":{\"poolFree\":{\"fb\\n\":null}}}]}",
            "inventory.parents[0].capacity.poolFree[\"fb\\n\"]",
            "inventory.parents[0].capacity.poolFree[\"fb\\n\"] is null; a map's values cannot be"),
        Arguments.of("a map value of the wrong type", "{\"parents\":[{\"capacity\":{\"demand\":{\"t\":{\"maxInstances\""
            + ":\"x\"}}}}]}", "inventory.parents[0].capacity.demand[\"t\"].maxInstances",
            "inventory.parents[0].capacity.demand[\"t\"].maxInstances must be an int32 number, got \"x\""),
        Arguments.of("a double beyond a double", "{\"host\":{\"cpuAllocationRatio\":1e309}}",
            "inventory.host.cpuAllocationRatio", "inventory.host.cpuAllocationRatio is out of a double's range"));
  }

  @ParameterizedTest(name = "{0} is refused naming it")
  @MethodSource("refused")
  void badInputIsRefusedWithASentenceNamingTheValue(String what, String json, String field, String sentence) {
    assertThatThrownBy(() -> jsonFormat(json, HostSnapshot.getDefaultInstance()))
        .as("JsonFormat refuses it too").isInstanceOf(IOException.class);
    assertThatThrownBy(() -> read(json, HostSnapshot.getDefaultInstance()))
        .isInstanceOfSatisfying(InvalidFleetException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageContaining(sentence);
  }

  @Test
  void aStringForAStringFieldOnlyThoughJsonFormatTakesANumberForOne() throws IOException {
    String json = "{\"host\":{\"id\":17}}";

    assertThat(jsonFormat(json, HostSnapshot.getDefaultInstance())).isEqualTo(HostSnapshot.newBuilder()
        .setHost(Host.newBuilder().setId("17")).build());
    assertThatThrownBy(() -> read(json, HostSnapshot.getDefaultInstance()))
        .isInstanceOf(InvalidFleetException.class).hasMessage("inventory.host.id must be a string, got 17");
  }

  @Test
  void aClosedEnumRefusesANumberItDoesNotName() {
    assertThatThrownBy(() -> read("{\"ctype\":9}", DescriptorProtos.FieldOptions.getDefaultInstance()))
        .isInstanceOf(InvalidFleetException.class)
        .hasMessageContaining("inventory.ctype: \"9\" is not a value of google.protobuf.FieldOptions.CType");
  }

  @Test
  void aLongValueIsQuotedOnlyInPartInARefusal() {
    String json = "{\"host\":{\"cpus\":\"" + "9".repeat(500) + "\"}}";

    assertThatThrownBy(() -> read(json, HostSnapshot.getDefaultInstance()))
        .hasMessage("inventory.host.cpus must be an int32 number, got \"" + "9".repeat(40) + "…\"");
  }

  @Test
  void aMessageHoldingAWellKnownTypeIsNotReadFieldByField() {
    assertThatThrownBy(() -> read("{}", Option.getDefaultInstance()))
        .isInstanceOf(IllegalArgumentException.class).isNotInstanceOf(InvalidFleetException.class)
        .hasMessage("google.protobuf.Any is a well-known type, whose JSON form this reader does not read");
  }

  @Test
  void readersOnManyThreadsAtOnceReadTheSameMessages() {
    Message[] read = IntStream.range(0, 64).parallel().mapToObj(i -> {
      try {
        return read(JsonFormat.printer().print(nvidiaHost()), HostSnapshot.getDefaultInstance());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }).toArray(Message[]::new);

    assertThat(read).containsOnly(nvidiaHost());
  }
}
