package io.migplan.scheduler.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.Host;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.Problem;
import io.migplan.proto.v1.ReportInventoryRequest;
import io.migplan.proto.v1.TypeDemand;
import io.migplan.proto.v1.Vm;
import io.migplan.scheduler.error.Texts;
import io.migplan.scheduler.testsupport.Gen;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link SnapshotValidator} over generated agent reports. Every field is drawn either within its
 * bound or outside it (too long, a control character, empty where required, negative, too large,
 * a generation or scan time far from the clock, too many entries, an id repeated), and the draw
 * remembers which fields it put out of bounds. A report is accepted exactly when none was; a
 * refusal names only such fields. The bounds are written here from the proto's meaning, not read
 * from the validator, so a bound moved by mistake shows. Each property draws its reports from a
 * fixed seed ({@link Gen}), so a run is repeatable.
 */
class SnapshotValidatorPropertyTest {

    @TestFactory
    Stream<DynamicTest> aReportIsAcceptedExactlyWhenEveryFieldIsWithinItsBound() {
        return Gen.cases(20251205L, 300, SnapshotValidatorPropertyTest::report, Drawn::name, report -> {
            List<String> findings = SnapshotValidator.validate(report.request(), report.now());

            if (report.bad().isEmpty()) {
                assertThat(findings).as("findings of a report within every bound").isEmpty();
            } else {
                assertThat(findings).as("a report with %s out of bounds", report.bad()).isNotEmpty()
                        .hasSizeLessThanOrEqualTo(SnapshotValidator.MAX_FINDINGS);
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> aRefusalNamesOnlyFieldsThatWereOutOfBounds() {
        return Gen.cases(20251206L, 300, SnapshotValidatorPropertyTest::report, Drawn::name, report -> {
            for (String finding : SnapshotValidator.validate(report.request(), report.now())) {
                assertThat(report.bad()).as("the field of '%s'", finding)
                        .anySatisfy(field -> assertThat(names(finding, field)).isTrue());
            }
        });
    }

    /** The finding starts with the field's path, followed by a space, a map key or a quoted value. */
    private static boolean names(String finding, String field) {
        return finding.startsWith(field) && (finding.length() == field.length()
                || finding.charAt(field.length()) == ' ' || finding.charAt(field.length()) == '[');
    }

    // ---- the model: a value and the fields (relative to it) that were drawn out of bounds ----

    /** A drawn value and the paths, relative to it, of what was drawn out of bounds ("" is the value itself). */
    record Made<T>(T value, List<String> bad) {
        static <T> Made<T> ok(T value) {
            return new Made<>(value, List.of());
        }

        static <T> Made<T> wrong(T value) {
            return new Made<>(value, List.of(""));
        }

        List<String> under(String field) {
            return bad.stream().map(b -> field + b).toList();
        }

        boolean isOk() {
            return bad.isEmpty();
        }
    }

    /** A whole report, the clock it is validated against, and every field drawn out of bounds. */
    record Drawn(ReportInventoryRequest request, Instant now, Set<String> bad) {
        /** The fields drawn out of bounds, for the test's name. */
        String name() {
            return bad.isEmpty() ? "within bounds" : "out of bounds: " + String.join(", ", new TreeSet<>(bad));
        }

        @Override
        public String toString() {
            return "bad=" + bad + " now=" + now + " request=" + request;
        }
    }

    private static final long DAY_MS = 86_400_000L;
    private static final long EARLIEST_SCAN_MS = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();
    private static final int MAX_UUID = 64;

    /** A report drawn against a clock from 2000 to 2100. */
    static Drawn report(Gen g) {
        long now = g.between(EARLIEST_SCAN_MS, Instant.parse("2100-01-01T00:00:00Z").toEpochMilli());
        Made<Host> host = host(g);
        Made<Long> generation = within(g, () -> generation(g, now), 12);
        Made<Long> scanned = within(g, () -> scanned(g, now), 12);
        List<Made<ParentDevice>> parents = few(g, 3, () -> parent(g));
        List<Made<DeviceInstance>> instances = g.withRepeats(few(g, 4, () -> instance(g)), 20);
        List<Made<Vm>> vms = g.withRepeats(few(g, 4, () -> vm(g)), 20);
        List<Made<Problem>> problems = few(g, 2, () -> problem(g));
        return assemble(Instant.ofEpochMilli(now), host, generation, scanned, parents, instances, vms, problems,
                g.between(0, 40));
    }

    /** Mostly a report with a snapshot and a host; sometimes neither, which must be named as missing. */
    private static Drawn assemble(Instant now, Made<Host> host, Made<Long> generation, Made<Long> scanned,
            List<Made<ParentDevice>> parents, List<Made<DeviceInstance>> instances, List<Made<Vm>> vms,
            List<Made<Problem>> problems, int shape) {
        if (shape == 0) {
            return new Drawn(ReportInventoryRequest.getDefaultInstance(), now, Set.of("snapshot"));
        }
        Set<String> bad = new HashSet<>();
        HostSnapshot.Builder s = HostSnapshot.newBuilder().setGeneration(generation.value())
                .setScannedAtUnixMs(scanned.value());
        bad.addAll(generation.under("snapshot.generation"));
        bad.addAll(scanned.under("snapshot.scanned_at_unix_ms"));
        if (shape == 1) {
            bad.add("snapshot.host");
        } else {
            s.setHost(host.value());
            bad.addAll(host.under("snapshot.host"));
        }
        Set<String> addresses = new HashSet<>();
        for (int i = 0; i < parents.size(); i++) {
            ParentDevice p = parents.get(i).value();
            String at = "snapshot.parents[" + i + "]";
            s.addParents(p);
            bad.addAll(parents.get(i).under(at));
            if (!bad.contains(at + ".address") && !addresses.add(p.getAddress())) {
                bad.add(at + ".address");
            }
        }
        Set<String> uuids = new HashSet<>();
        for (int i = 0; i < instances.size(); i++) {
            String at = "snapshot.instances[" + i + "]";
            s.addInstances(instances.get(i).value());
            bad.addAll(instances.get(i).under(at));
            if (!bad.contains(at + ".uuid") && !uuids.add(instances.get(i).value().getUuid())) {
                bad.add(at + ".uuid");
            }
        }
        Set<String> names = new HashSet<>();
        Set<String> vmUuids = new HashSet<>();
        Set<String> held = new HashSet<>();
        for (int i = 0; i < vms.size(); i++) {
            Vm v = vms.get(i).value();
            String at = "snapshot.vms[" + i + "]";
            s.addVms(v);
            bad.addAll(vms.get(i).under(at));
            if (!bad.contains(at + ".name") && !names.add(v.getName())) {
                bad.add(at + ".name");
            }
            if (!bad.contains(at + ".uuid") && !vmUuids.add(v.getUuid())) {
                bad.add(at + ".uuid");
            }
            for (int j = 0; j < v.getDeviceUuidsCount(); j++) {
                String device = at + ".device_uuids[" + j + "]";
                // One mdev can be attached to one running domain only, once.
                if (!bad.contains(device) && !held.add(v.getDeviceUuids(j))) {
                    bad.add(device);
                }
            }
        }
        for (int i = 0; i < problems.size(); i++) {
            s.addProblems(problems.get(i).value());
            bad.addAll(problems.get(i).under("snapshot.problems[" + i + "]"));
        }
        return new Drawn(ReportInventoryRequest.newBuilder().setSnapshot(s).build(), now, bad);
    }

    private static Made<Host> host(Gen g) {
        Fields f = new Fields();
        f.put(".id", text(g, Text.HOST_ID, Texts.MAX_ID));
        f.put(".release", text(g, Text.OPTIONAL, Texts.MAX_NAME));
        f.put(".failure_domain", text(g, Text.OPTIONAL, Texts.MAX_NAME));
        f.put(".agent_endpoint", text(g, Text.OPTIONAL, Texts.MAX_NAME));
        f.put(".cpus", within(g, () -> number(g, 0, 65_536, Integer.MIN_VALUE, Integer.MAX_VALUE), 10));
        f.put(".memory_mib", within(g, () -> number(g, 0, 1L << 30, Long.MIN_VALUE, Long.MAX_VALUE), 10));
        f.put(".labels", within(g, () -> texts(g, 64, false), 6));
        return f.build(x -> Host.newBuilder().setId(x.text(".id")).setRelease(x.text(".release"))
                .setFailureDomain(x.text(".failure_domain")).setAgentEndpoint(x.text(".agent_endpoint"))
                .setCpus(x.integer(".cpus")).setMemoryMib(x.number(".memory_mib")).putAllLabels(x.value(".labels"))
                .build());
    }

    private static Made<ParentDevice> parent(Gen g) {
        Fields f = new Fields();
        f.put(".address", text(g, Text.REQUIRED, Texts.MAX_NAME, "0000:3b:00.0", "0000:d8:00.0"));
        for (String name : List.of(".vendor_id", ".device_id", ".board", ".driver", ".driver_version",
                ".physical_function")) {
            f.put(name, text(g, Text.OPTIONAL, Texts.MAX_NAME));
        }
        f.put(".capacity", capacity(g));
        List<Made<DeviceType>> types = g.withRepeats(few(g, 3, () -> type(g)), 20);
        List<String> bad = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int j = 0; j < types.size(); j++) {
            String at = "[" + j + "]";
            bad.addAll(types.get(j).under(at));
            if (!bad.contains(at + ".type_id") && !ids.add(types.get(j).value().getTypeId())) {
                bad.add(at + ".type_id");
            }
        }
        f.put(".types", new Made<>(types.stream().map(Made::value).toList(), bad));
        return f.build(x -> ParentDevice.newBuilder().setAddress(x.text(".address"))
                .setVendorId(x.text(".vendor_id")).setDeviceId(x.text(".device_id")).setBoard(x.text(".board"))
                .setDriver(x.text(".driver")).setDriverVersion(x.text(".driver_version"))
                .setPhysicalFunction(x.text(".physical_function")).setCapacity((Capacity) x.value(".capacity"))
                .addAllTypes(x.value(".types")).build());
    }

    private static Made<Capacity> capacity(Gen g) {
        long resource = 1L << 40;
        Supplier<Made<TypeDemand>> demand = () -> {
            Fields f = new Fields();
            f.put(".max_instances", within(g, () -> number(g, 0, 65_536, Integer.MIN_VALUE, Integer.MAX_VALUE), 10));
            f.put(".resources", within(g, () -> amounts(g, resource, Long.MIN_VALUE, Long.MAX_VALUE), 8));
            return f.build(x -> TypeDemand.newBuilder().setMaxInstances(x.integer(".max_instances"))
                    .putAllResources(x.value(".resources")).build());
        };
        // A demand's findings name the map ("demand key", "demand['k'].max_instances"): one field.
        List<Made<String>> keys = g.list(0, 2, () -> within(g, () -> text(g, Text.OPTIONAL, Texts.MAX_NAME), 12));
        List<Made<TypeDemand>> values = g.list(0, 2, demand);
        Map<String, TypeDemand> demands = new LinkedHashMap<>();
        boolean wrong = false;
        for (int k = 0; k < Math.min(keys.size(), values.size()); k++) {
            if (!demands.containsKey(keys.get(k).value())) {
                demands.put(keys.get(k).value(), values.get(k).value());
                wrong |= !keys.get(k).isOk() || !values.get(k).isOk();
            }
        }
        Fields f = new Fields();
        f.put(".group", text(g, Text.OPTIONAL, Texts.MAX_NAME));
        f.put(".locked_framebuffer_mib", within(g, () -> number(g, 0, resource, Long.MIN_VALUE, Long.MAX_VALUE), 12));
        f.put(".used_instances", within(g, () -> number(g, 0, 65_536, Integer.MIN_VALUE, Integer.MAX_VALUE), 12));
        f.put(".pool_total", within(g, () -> amounts(g, resource, Long.MIN_VALUE, Long.MAX_VALUE), 10));
        f.put(".pool_free", within(g, () -> amounts(g, resource, Long.MIN_VALUE, Long.MAX_VALUE), 10));
        f.put(".used_by_type", within(g, () -> amounts(g, 65_536, Integer.MIN_VALUE, Integer.MAX_VALUE), 10));
        f.put(".demand", wrong ? Made.wrong(demands) : Made.ok(demands));
        return f.build(x -> {
            Capacity.Builder c = Capacity.newBuilder().setGroup(x.text(".group"))
                    .setLockedFramebufferMib(x.number(".locked_framebuffer_mib"))
                    .setUsedInstances(x.integer(".used_instances"))
                    .putAllPoolTotal(x.value(".pool_total")).putAllPoolFree(x.value(".pool_free"))
                    .putAllDemand(x.value(".demand"));
            Map<String, Long> used = x.value(".used_by_type");
            used.forEach((k, v) -> c.putUsedByType(k, (int) (long) v));
            return c.build();
        });
    }

    private static Made<DeviceType> type(Gen g) {
        Fields f = new Fields();
        f.put(".type_id", text(g, Text.REQUIRED, Texts.MAX_NAME, "nvidia-231", "nvidia-232"));
        f.put(".available_instances", within(g, () -> number(g, 0, 65_536, Integer.MIN_VALUE, Integer.MAX_VALUE), 10));
        f.put(".name", text(g, Text.OPTIONAL, Texts.MAX_NAME));
        f.put(".description", text(g, Text.FILE, Texts.MAX_TEXT));
        f.put(".device_api", text(g, Text.OPTIONAL, Texts.MAX_NAME));
        f.put(".signature", text(g, Text.FILE, Texts.MAX_TEXT));
        f.put(".attributes", within(g, () -> texts(g, 256, false), 8));
        f.put(".raw", within(g, () -> texts(g, 256, true), 8));
        return f.build(x -> DeviceType.newBuilder().setTypeId(x.text(".type_id"))
                .setAvailableInstances(x.integer(".available_instances")).setName(x.text(".name"))
                .setDescription(x.text(".description")).setDeviceApi(x.text(".device_api"))
                .setSignature(x.text(".signature")).putAllAttributes(x.value(".attributes"))
                .putAllRaw(x.value(".raw")).build());
    }

    private static Made<DeviceInstance> instance(Gen g) {
        Fields f = new Fields();
        f.put(".uuid", text(g, Text.REQUIRED, MAX_UUID, "u1", "u2"));
        f.put(".type_id", text(g, Text.REQUIRED, Texts.MAX_NAME, "nvidia-231"));
        f.put(".parent_address", text(g, Text.REQUIRED, Texts.MAX_NAME, "0000:3b:00.0"));
        return f.build(x -> DeviceInstance.newBuilder().setUuid(x.text(".uuid")).setTypeId(x.text(".type_id"))
                .setParentAddress(x.text(".parent_address")).build());
    }

    private static Made<Vm> vm(Gen g) {
        Supplier<Made<String>> device = () -> text(g, Text.REQUIRED, MAX_UUID, "u1", "u2", "u3");
        List<Made<String>> list = g.weighted(12, 1) == 0 ? few(g, 3, device) : g.list(65, 66, device);
        List<String> bad = new ArrayList<>(list.size() > 64 ? List.of("") : List.of());
        for (int j = 0; j < list.size(); j++) {
            bad.addAll(list.get(j).under("[" + j + "]"));
        }
        Fields f = new Fields();
        f.put(".name", text(g, Text.REQUIRED, Texts.MAX_ID, "vm-a", "vm-b"));
        f.put(".uuid", text(g, Text.REQUIRED, MAX_UUID, "v1", "v2"));
        f.put(".vcpus", within(g, () -> number(g, 0, 4_096, Integer.MIN_VALUE, Integer.MAX_VALUE), 10));
        f.put(".memory_mib", within(g, () -> number(g, 0, 1L << 30, Long.MIN_VALUE, Long.MAX_VALUE), 10));
        f.put(".anti_affinity_group", text(g, Text.OPTIONAL, Texts.MAX_NAME));
        f.put(".device_uuids", new Made<>(list.stream().map(Made::value).toList(), bad));
        return f.build(x -> Vm.newBuilder().setName(x.text(".name")).setUuid(x.text(".uuid"))
                .setVcpus(x.integer(".vcpus")).setMemoryMib(x.number(".memory_mib"))
                .setAntiAffinityGroup(x.text(".anti_affinity_group")).addAllDeviceUuids(x.value(".device_uuids"))
                .build());
    }

    private static Made<Problem> problem(Gen g) {
        Fields f = new Fields();
        f.put(".message", text(g, Text.REQUIRED, Texts.MAX_TEXT));
        f.put(".path", text(g, Text.OPTIONAL, Texts.MAX_TEXT));
        return f.build(x -> Problem.newBuilder().setMessage(x.text(".message")).setPath(x.text(".path")).build());
    }

    // ---- leaves ----

    /** How a text field is checked: required ones must not be blank, the host id not padded, files may hold lines. */
    enum Text { OPTIONAL, REQUIRED, HOST_ID, FILE }

    /**
     * Up to {@code max} elements, short lists more likely: a long one nearly always holds a field out
     * of bounds or an id repeated, and acceptance would go untested.
     */
    private static <T> List<T> few(Gen g, int max, Supplier<T> element) {
        return g.list(0, g.between(0, max), element);
    }

    /** Plain text of at most {@code max} chars, or one that breaks the field's rule; {@code pool} makes repeats likely. */
    private static Made<String> text(Gen g, Text kind, int max, String... pool) {
        Supplier<String> good = () -> {
            if (pool.length > 0 && g.percent(50)) {
                return g.of(pool);
            }
            return switch (kind) {
                case OPTIONAL, FILE -> middle(g, kind);
                case REQUIRED -> alnum(g) + middle(g, kind);
                case HOST_ID -> alnum(g) + middle(g, kind) + alnum(g);
            };
        };
        return switch (g.weighted(40, 2, 1, 1, kind == Text.REQUIRED || kind == Text.HOST_ID ? 1 : 0,
                kind == Text.HOST_ID ? 1 : 0)) {
            case 0 -> Made.ok(g.until(good, s -> s.length() <= max));
            // The longest value taken: a bound moved by one shows.
            case 1 -> Made.ok(alnum(g) + "x".repeat(max - 2) + alnum(g));
            case 2 -> {
                String a = alnum(g);
                yield Made.wrong(a + "y".repeat(max - 1 + g.between(1, 40)) + a);
            }
            case 3 -> Made.wrong(g.until(() -> good.get() + control(g, kind) + good.get(), s -> s.length() <= max));
            case 4 -> Made.wrong(g.of("", " ", "\t", "\u2003"));
            default -> Made.wrong(g.of(" h1", "h1 ", "h1\n"));
        };
    }

    /** Printable ASCII, other scripts, a bidi override, an emoji, an accent; in a file, lines and tabs. */
    private static String middle(Gen g, Text kind) {
        return switch (g.between(0, 2)) {
            case 0 -> g.string(0, 12, () -> g.charIn(' ', '~'));
            case 1 -> g.string(0, 6, () -> g.charIn('\u00A0', '\u2FFF'));
            default -> g.of("\u202E", "\uD83D\uDCA5", kind == Text.FILE ? "line\nline\t" : "é");
        };
    }

    /** A control character a field of this kind refuses: a file takes line feeds, returns and tabs. */
    private static char control(Gen g, Text kind) {
        return kind == Text.FILE
                ? g.until(() -> g.charIn('\u0000', '\u009F'), c -> Character.isISOControl(c)
                        && c != '\n' && c != '\r' && c != '\t')
                : g.control();
    }

    private static String alnum(Gen g) {
        return String.valueOf(g.percent(72) ? g.charIn('a', 'z') : g.charIn('0', '9'));
    }

    /**
     * A number in [min, max], or one below or above from the type's whole range; a fifth of each
     * at the edge (min or max, min - 1, max + 1), so a bound moved by one shows.
     */
    private static Made<Long> number(Gen g, long min, long max, long lowest, long highest) {
        boolean edge = g.percent(20);
        return switch (g.weighted(1, 1, 4)) {
            case 0 -> Made.wrong(edge ? min - 1 : g.between(lowest, min - 1));
            case 1 -> Made.wrong(edge ? max + 1 : g.between(max + 1, highest));
            default -> Made.ok(edge ? g.of(min, max) : g.between(min, max));
        };
    }

    /** A generation is the agent's clock: from 0 to a day past the scheduler's clock. */
    private static Made<Long> generation(Gen g, long now) {
        return number(g, 0, now + DAY_MS, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** A scan time: 0 for unknown, or from 2000 to a day past the scheduler's clock. */
    private static Made<Long> scanned(Gen g, long now) {
        return g.percent(50) ? Made.ok(0L) : g.until(() -> number(g, EARLIEST_SCAN_MS, now + DAY_MS, Long.MIN_VALUE,
                Long.MAX_VALUE), m -> m.value() != 0);
    }

    /**
     * Mostly {@code ok}, drawn in bounds; otherwise {@code any}, in or out. {@code any} alone would
     * put some field out of bounds in nearly every report, and acceptance would go untested.
     */
    private static <T> Made<T> within(Gen g, Supplier<Made<T>> any, int okWeight) {
        return g.weighted(okWeight, 1) == 0 ? g.until(any, Made::isOk) : any.get();
    }

    /** Name to text; a key or value out of bounds, or more than {@code maxEntries}, puts the map out. */
    private static Made<Map<String, String>> texts(Gen g, int maxEntries, boolean files) {
        Supplier<Made<String>> key = () -> text(g, Text.OPTIONAL, Texts.MAX_NAME);
        Supplier<Made<String>> value = () -> text(g, files ? Text.FILE : Text.OPTIONAL, Texts.MAX_TEXT);
        Map<String, String> map = new LinkedHashMap<>();
        boolean wrong = false;
        if (g.weighted(30, 1) == 0) {
            for (int i = g.between(0, 3); i > 0; i--) {
                Made<String> k = key.get();
                Made<String> v = value.get();
                if (!map.containsKey(k.value())) {
                    map.put(k.value(), v.value());
                    wrong |= !k.isOk() || !v.isOk();
                }
            }
        } else {
            // Too many entries, every key and value within its bound.
            for (int n = g.between(maxEntries + 1, maxEntries + 2); map.size() < n; ) {
                String k = g.until(key, Made::isOk).value();
                if (!map.containsKey(k)) {
                    map.put(k, g.until(value, Made::isOk).value());
                }
            }
        }
        return wrong || map.size() > maxEntries ? Made.wrong(map) : Made.ok(map);
    }

    /** Name to amount in [0, max]; a key or amount out of bounds puts the map out. */
    private static Made<Map<String, Long>> amounts(Gen g, long max, long lowest, long highest) {
        Map<String, Long> map = new LinkedHashMap<>();
        boolean wrong = false;
        for (int i = g.between(0, 3); i > 0; i--) {
            Made<String> k = text(g, Text.OPTIONAL, Texts.MAX_NAME);
            Made<Long> v = number(g, 0, max, lowest, highest);
            if (!map.containsKey(k.value())) {
                map.put(k.value(), v.value());
                wrong |= !k.isOk() || !v.isOk();
            }
        }
        return wrong ? Made.wrong(map) : Made.ok(map);
    }

    // ---- combining named fields into one message ----

    /** The drawn fields of one message by their path suffix (".name"), read back typed by the builder. */
    static final class Fields {
        private final Map<String, Made<?>> drawn = new LinkedHashMap<>();

        void put(String field, Made<?> made) {
            drawn.put(field, made);
        }

        String text(String field) {
            return (String) drawn.get(field).value();
        }

        long number(String field) {
            return (Long) drawn.get(field).value();
        }

        int integer(String field) {
            return (int) number(field);
        }

        @SuppressWarnings("unchecked")
        <T> T value(String field) {
            return (T) drawn.get(field).value();
        }

        List<String> bad() {
            List<String> out = new ArrayList<>();
            drawn.forEach((field, made) -> out.addAll(made.under(field)));
            return out;
        }

        <T> Made<T> build(Function<Fields, T> build) {
            return new Made<>(build.apply(this), bad());
        }
    }
}
