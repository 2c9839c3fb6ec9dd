package io.migplan.scheduler.offline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ReportInventoryRequest;
import io.migplan.proto.v1.Vm;
import io.migplan.scheduler.error.Texts;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.inventory.SnapshotValidator;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A fleet file (docs/fleet-format.md, the scheduler's own export) read for planning offline, with
 * bounds: the file's size, the number of hosts, every string's length, the nesting depth. Each
 * host's inventory is protobuf JSON read strictly (an unknown field is refused) and then held to
 * exactly the rules a report from an agent is held to ({@link SnapshotValidator}), so a host the
 * scheduler would refuse from an agent is refused here too. A bad file is refused with an {@link
 * InvalidFleetException} whose sentence names the host and the field; nothing is planned.
 *
 * <p>Decides what a plannable fleet file is. Does not decide what a host looks like to the
 * planners ({@link FleetRows} hands it to the snapshot's own assembly).
 *
 * @param takenAt when the scheduler took the export
 * @param hosts   in the file's order
 */
public record FleetDocument(Instant takenAt, List<Host> hosts) {

    /** The {@code format} this reader reads. */
    public static final String FORMAT = "migplan-fleet";
    /** The newest {@code version} this reader reads; a newer file may mean fields it would misread. */
    public static final int VERSION = 1;
    /** The largest file read: the format's bound (~37 KB per host of the benchmark fleet, 10,000 hosts). */
    public static final long MAX_BYTES = 1024L * 1024 * 1024;
    /** The most hosts a file may list: the format's bound, the simulator's too. */
    public static final int MAX_HOSTS = 10_000;
    /** The longest string anywhere in the file: a type's raw attribute file is the longest there is. */
    static final int MAX_STRING = 64 * 1024;
    /** Hosts, VMs and parents nest a few levels; anything deeper is not an export. */
    static final int MAX_DEPTH = 16;
    /** Hosts held as JSON trees at once before they are read in parallel: ~4 MB of the benchmark fleet. */
    static final int CHUNK = 100;
    /** The most verdicts one host may carry (types x source signatures). */
    static final int MAX_VERDICTS_PER_HOST = 100_000;
    /** What a stored verdict may say: {@code compatibility_verdict.verdict}'s values. */
    static final Set<String> VERDICTS = Set.of("COMPATIBLE", "INCOMPATIBLE", "UNKNOWN");
    private static final List<String> HOST_FIELDS = List.of("id", "state", "adminState", "adminReason", "inventory",
            "verdicts");
    private static final List<String> VERDICT_FIELDS = List.of("parent", "typeId", "sourceSignature", "verdict",
            "code", "message", "backend");

    public FleetDocument {
        hosts = List.copyOf(hosts);
    }

    /** One exported host: its liveness and admin state as the scheduler held them, its inventory and verdicts. */
    public record Host(String id, HostState state, AdminState adminState, String adminReason, HostSnapshot inventory,
            List<Verdict> verdicts) {
        public Host {
            verdicts = List.copyOf(verdicts);
        }
    }

    /** A stored verdict: would {@code typeId} on {@code parent} of the host accept state of {@code sourceSignature}. */
    public record Verdict(String parent, String typeId, String sourceSignature, String verdict, String code,
            String message, String backend) {
    }

    /** A file that cannot be planned on: the sentence names the host (when one is at fault) and the field. */
    public static final class InvalidFleetException extends IllegalArgumentException {
        private final String field;

        public InvalidFleetException(String field, String message) {
            super(message);
            this.field = field;
        }

        /** The path of the value at fault, e.g. {@code hosts[3].inventory}. */
        public String field() {
            return field;
        }
    }

    /** Reads and checks {@code file}; refuses a file larger than {@value #MAX_BYTES} bytes before reading it. */
    public static FleetDocument read(Path file, Instant now) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new InvalidFleetException("", "fleet file " + file + " is " + size + " bytes, more than the "
                    + MAX_BYTES + " a fleet of " + MAX_HOSTS + " hosts needs");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, MAX_BYTES, now);
        } catch (InvalidFleetException e) {
            throw new InvalidFleetException(e.field(), "fleet file " + file + ": " + e.getMessage());
        }
    }

    /** {@link #read(InputStream, long, Instant)} of a document held in memory. */
    public static FleetDocument parse(String json, Instant now) {
        try {
            return read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), MAX_BYTES, now);
        } catch (IOException e) {
            throw new IllegalStateException("reading memory failed", e);
        }
    }

    /**
     * Reads a document host by host, stopping at the first of {@code maxBytes} bytes too many;
     * {@code now} is the clock a report's generation and scan time are checked against.
     */
    static FleetDocument read(InputStream raw, long maxBytes, Instant now) throws IOException {
        InputStream in = new Bounded(raw, maxBytes);
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING)
                        .maxNestingDepth(MAX_DEPTH).build())
                .build();
        ObjectMapper mapper = new ObjectMapper(factory);
        try (JsonParser p = factory.createParser(in)) {
            p.setCodec(mapper);
            expect(p.nextToken() == JsonToken.START_OBJECT, "", "a fleet file is one JSON object {format, version,"
                    + " takenAt, hostCount, hosts}");
            String format = null;
            Integer version = null;
            Instant takenAt = null;
            Long hostCount = null;
            List<Host> hosts = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "format" -> {
                        expect(value == JsonToken.VALUE_STRING, "format", "format must be a string");
                        format = p.getText();
                    }
                    case "version" -> {
                        expect(value == JsonToken.VALUE_NUMBER_INT, "version", "version must be a whole number");
                        version = p.getIntValue();
                    }
                    case "takenAt" -> takenAt = instant(value == JsonToken.VALUE_STRING ? p.getText() : null);
                    case "hostCount" -> {
                        expect(value == JsonToken.VALUE_NUMBER_INT, "hostCount", "hostCount must be a whole number");
                        hostCount = p.getLongValue();
                        expect(hostCount >= 0 && hostCount <= MAX_HOSTS, "hostCount", "hostCount must be in 0.."
                                + MAX_HOSTS + ", got " + hostCount);
                    }
                    case "hosts" -> {
                        checkHeader(format, version);
                        expect(value == JsonToken.START_ARRAY, "hosts", "hosts must be a list");
                        hosts = new ArrayList<>();
                        List<JsonNode> chunk = new ArrayList<>(CHUNK);
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            int index = hosts.size() + chunk.size();
                            String at = "hosts[" + index + "]";
                            expect(index < MAX_HOSTS, "hosts", "the file has more than " + MAX_HOSTS
                                    + " hosts, the most a fleet file holds");
                            expect(p.currentToken() == JsonToken.START_OBJECT, at, at + " must be an object");
                            chunk.add(p.readValueAsTree());
                            if (chunk.size() == CHUNK) {
                                hosts.addAll(hosts(chunk, hosts.size(), now));
                                chunk.clear();
                            }
                        }
                        hosts.addAll(hosts(chunk, hosts.size(), now));
                    }
                    default -> throw new InvalidFleetException(name, "unknown field '" + name + "' (the fields are"
                            + " format, version, takenAt, hostCount, hosts)");
                }
            }
            checkHeader(format, version);
            expect(takenAt != null, "takenAt", "takenAt is required: when the export was taken");
            expect(hosts != null, "hosts", "hosts is required");
            expect(hostCount == null || hostCount == hosts.size(), "hostCount", "hostCount says " + hostCount
                    + " hosts but the file lists " + hosts.size() + " (a truncated export?)");
            expect(p.nextToken() == null, "", "the file goes on after its JSON object");
            FleetDocument doc = new FleetDocument(takenAt, hosts);
            unique(doc);
            return doc;
        } catch (JsonProcessingException e) {
            throw new InvalidFleetException("", "not a fleet document: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")"));
        }
    }

    private static void checkHeader(String format, Integer version) {
        expect(FORMAT.equals(format), "format", "format must be \"" + FORMAT + "\", got "
                + (format == null ? "none" : "\"" + format + "\""));
        expect(version != null, "version", "version is required");
        expect(version >= 1 && version <= VERSION, "version", "version " + version + " is not one this scheduler"
                + " reads (1.." + VERSION + "); plan with a scheduler as new as the one that exported it");
    }

    /**
     * The hosts of {@code nodes} (the file's from {@code first} on), read on every core: a host's
     * protobuf JSON and its report checks are most of the reading. The refusal of the first bad host
     * in the file's order, whichever thread met it.
     */
    private static List<Host> hosts(List<JsonNode> nodes, int first, Instant now) {
        Object[] out = new Object[nodes.size()];
        IntStream.range(0, nodes.size()).parallel().forEach(i -> {
            try {
                out[i] = host(nodes.get(i), "hosts[" + (first + i) + "]", now);
            } catch (InvalidFleetException e) {
                out[i] = e;
            }
        });
        List<Host> hosts = new ArrayList<>(out.length);
        for (Object o : out) {
            if (o instanceof InvalidFleetException e) {
                throw e;
            }
            hosts.add((Host) o);
        }
        return hosts;
    }

    private static Host host(JsonNode node, String at, Instant now) {
        String id = string(node, "id", at);
        expect(!id.isBlank(), at + ".id", at + ".id is required: the host's id");
        String who = "host " + Texts.escaped(id) + ": ";
        for (var it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            expect(HOST_FIELDS.contains(f), at + "." + f, who + "unknown field '" + f + "' (the fields are "
                    + String.join(", ", HOST_FIELDS) + ")");
        }
        HostState state = named(HostState.class, string(node, "state", at), HostState.UP, at + ".state", who);
        AdminState admin = named(AdminState.class, string(node, "adminState", at), AdminState.ACTIVE,
                at + ".adminState", who);
        String reason = string(node, "adminReason", at);
        expect(reason.length() <= Texts.MAX_TEXT, at + ".adminReason", who + "adminReason is longer than "
                + Texts.MAX_TEXT + " characters");
        JsonNode inventory = node.get("inventory");
        expect(inventory != null && inventory.isObject(), at + ".inventory", who + "inventory is required: the"
                + " host's snapshot in protobuf JSON form");
        HostSnapshot.Builder snapshot = HostSnapshot.newBuilder();
        try {
            JsonFormat.parser().merge(inventory.toString(), snapshot);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidFleetException(at + ".inventory", who + "inventory is not a host snapshot: "
                    + e.getMessage());
        }
        expect(snapshot.getHost().getId().equals(id), at + ".inventory.host.id", who + "inventory.host.id is '"
                + Texts.escaped(snapshot.getHost().getId()) + "', not the host's id");
        // The rules a report from this host's agent is held to, and the sentences they refuse it with.
        List<String> findings = SnapshotValidator.validate(ReportInventoryRequest.newBuilder()
                .setSnapshot(snapshot).build(), now);
        expect(findings.isEmpty(), at + ".inventory", who + "inventory is not one the scheduler would accept from"
                + " its agent: " + String.join("; ", findings));
        List<Verdict> verdicts = new ArrayList<>();
        JsonNode list = node.get("verdicts");
        if (list != null && !list.isNull()) {
            expect(list.isArray(), at + ".verdicts", who + "verdicts must be a list");
            expect(list.size() <= MAX_VERDICTS_PER_HOST, at + ".verdicts", who + "more than "
                    + MAX_VERDICTS_PER_HOST + " verdicts");
            for (int i = 0; i < list.size(); i++) {
                verdicts.add(verdict(list.get(i), at + ".verdicts[" + i + "]", who));
            }
        }
        return new Host(id, state, admin, reason, snapshot.build(), verdicts);
    }

    private static Verdict verdict(JsonNode v, String at, String who) {
        expect(v.isObject(), at, who + at + " must be an object");
        for (var it = v.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            expect(VERDICT_FIELDS.contains(f), at + "." + f, who + "unknown field '" + f + "' in " + at
                    + " (the fields are " + String.join(", ", VERDICT_FIELDS) + ")");
        }
        String verdict = string(v, "verdict", at);
        expect(VERDICTS.contains(verdict), at + ".verdict", who + at + ".verdict must be one of COMPATIBLE,"
                + " INCOMPATIBLE, UNKNOWN, got '" + Texts.escaped(verdict) + "'");
        Verdict out = new Verdict(string(v, "parent", at), string(v, "typeId", at), string(v, "sourceSignature", at),
                verdict, string(v, "code", at), string(v, "message", at), string(v, "backend", at));
        expect(!out.parent().isEmpty() && !out.typeId().isEmpty(), at, who + at + " needs parent and typeId");
        return out;
    }

    /** A host listed twice, or a VM UUID on two hosts, is refused: the scheduler holds each once. */
    private static void unique(FleetDocument doc) {
        Map<String, String> vmHost = new HashMap<>();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < doc.hosts().size(); i++) {
            Host h = doc.hosts().get(i);
            Integer before = index.putIfAbsent(h.id(), i);
            expect(before == null, "hosts[" + i + "].id", "host " + h.id() + " is listed twice (hosts[" + before
                    + "] and hosts[" + i + "])");
            for (int j = 0; j < h.inventory().getVmsCount(); j++) {
                Vm vm = h.inventory().getVms(j);
                String other = vmHost.putIfAbsent(vm.getUuid(), h.id());
                expect(other == null, "hosts[" + i + "].inventory.vms[" + j + "].uuid", "host " + h.id() + ": VM "
                        + vm.getName() + " has UUID " + vm.getUuid() + ", which host " + other + " lists too");
            }
        }
    }

    private static <E extends Enum<E>> E named(Class<E> type, String value, E absent, String field, String who) {
        if (value.isEmpty()) {
            return absent;
        }
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw new InvalidFleetException(field, who + field.substring(field.lastIndexOf('.') + 1) + " must be one of "
                    + Arrays.toString(type.getEnumConstants()) + ", got '" + Texts.escaped(value) + "'");
        }
    }

    /** A string field, empty when absent; refused when present and not a string. */
    private static String string(JsonNode node, String field, String at) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return "";
        }
        expect(v.isTextual(), at + "." + field, at + "." + field + " must be a string, got " + v.getNodeType());
        return v.textValue();
    }

    private static Instant instant(String value) {
        expect(value != null, "takenAt", "takenAt must be a string such as 2026-12-06T07:00:00Z");
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidFleetException("takenAt", "takenAt must be an instant such as 2026-12-06T07:00:00Z, got '"
                    + Texts.escaped(value) + "'");
        }
    }

    static void expect(boolean ok, String field, String message) {
        if (!ok) {
            throw new InvalidFleetException(field, message);
        }
    }

    /** Stops reading at the limit, so a file that grows while read cannot pass the size check. */
    private static final class Bounded extends FilterInputStream {
        private final long limit;
        private long left;

        Bounded(InputStream in, long limit) {
            super(in);
            this.limit = limit;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            count(Math.max(n, 0));
            return n;
        }

        private void count(int n) {
            left -= n;
            if (left < 0) {
                throw new InvalidFleetException("", "the fleet file is larger than " + limit + " bytes");
            }
        }
    }
}
