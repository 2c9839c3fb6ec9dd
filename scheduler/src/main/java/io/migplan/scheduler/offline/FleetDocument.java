package io.migplan.scheduler.offline;

import io.migplan.fleet.FleetReader;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ReportInventoryRequest;
import io.migplan.proto.v1.Vm;
import io.migplan.scheduler.error.Texts;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.inventory.SnapshotValidator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A fleet file (docs/fleet-format.md, the scheduler's own export) read for planning offline by the
 * format's one reader ({@link FleetReader}: bounds, format and version, each host's inventory as
 * strictly read protobuf JSON), each host then held to exactly the rules a report from an agent is
 * held to ({@link SnapshotValidator}), so a host the
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
    public static final String FORMAT = FleetReader.FORMAT;
    /** The newest {@code version} this reader reads; a newer file may mean fields it would misread. */
    public static final int VERSION = FleetReader.VERSION;
    /** The largest file read: the format's bound. */
    public static final long MAX_BYTES = FleetReader.MAX_BYTES;
    /** The most hosts a file may list: the format's bound, the simulator's too. */
    public static final int MAX_HOSTS = FleetReader.MAX_HOSTS;
    /** What a stored verdict may say: {@code compatibility_verdict.verdict}'s values. */
    static final Set<String> VERDICTS = Set.of("COMPATIBLE", "INCOMPATIBLE", "UNKNOWN");
    private static final FleetReader READER = new FleetReader("this scheduler",
            "plan with a scheduler as new as the one that exported it");

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
    public static final class InvalidFleetException extends io.migplan.fleet.InvalidFleetException {
        public InvalidFleetException(String field, String message) {
            super(field, message);
        }
    }

    /** Reads and checks {@code file}; refuses a file larger than {@value #MAX_BYTES} bytes before reading it. */
    public static FleetDocument read(Path file, Instant now) throws IOException {
        try {
            return READER.read(file, (h, at, who) -> host(h, at, who, now), FleetDocument::checked);
        } catch (io.migplan.fleet.InvalidFleetException e) {
            throw own(e);
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
        try {
            return READER.read(raw, maxBytes, (h, at, who) -> host(h, at, who, now), FleetDocument::checked);
        } catch (io.migplan.fleet.InvalidFleetException e) {
            throw own(e);
        }
    }

    /** The shared reader's refusal as this reader's, sentence and field unchanged. */
    private static InvalidFleetException own(io.migplan.fleet.InvalidFleetException e) {
        return e instanceof InvalidFleetException own ? own : new InvalidFleetException(e.field(), e.getMessage());
    }

    private static FleetDocument checked(Instant takenAt, List<Host> hosts) {
        FleetDocument doc = new FleetDocument(takenAt, hosts);
        unique(doc);
        return doc;
    }

    /**
     * A host as read by the format's reader, held to what the scheduler holds a host to: an id,
     * known states, a bounded reason, an inventory of this very host that a report from its agent
     * would pass with, verdicts of known values. Runs on any thread.
     */
    private static Host host(FleetReader.Host node, String at, String who, Instant now) {
        String id = node.id();
        expect(!id.isBlank(), at + ".id", at + ".id is required: the host's id");
        HostState state = named(HostState.class, node.state(), HostState.UP, at + ".state", who);
        AdminState admin = named(AdminState.class, node.adminState(), AdminState.ACTIVE, at + ".adminState", who);
        String reason = node.adminReason();
        expect(reason.length() <= Texts.MAX_TEXT, at + ".adminReason", who + "adminReason is longer than "
                + Texts.MAX_TEXT + " characters");
        HostSnapshot snapshot = node.inventory();
        expect(snapshot.getHost().getId().equals(id), at + ".inventory.host.id", who + "inventory.host.id is '"
                + Texts.escaped(snapshot.getHost().getId()) + "', not the host's id");
        // The rules a report from this host's agent is held to, and the sentences they refuse it with.
        List<String> findings = SnapshotValidator.validate(ReportInventoryRequest.newBuilder()
                .setSnapshot(snapshot).build(), now);
        expect(findings.isEmpty(), at + ".inventory", who + "inventory is not one the scheduler would accept from"
                + " its agent: " + String.join("; ", findings));
        List<Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < node.verdicts().size(); i++) {
            verdicts.add(verdict(node.verdicts().get(i), at + ".verdicts[" + i + "]", who));
        }
        return new Host(id, state, admin, reason, snapshot, verdicts);
    }

    private static Verdict verdict(FleetReader.Verdict v, String at, String who) {
        expect(VERDICTS.contains(v.verdict()), at + ".verdict", who + at + ".verdict must be one of COMPATIBLE,"
                + " INCOMPATIBLE, UNKNOWN, got '" + Texts.escaped(v.verdict()) + "'");
        expect(!v.parent().isEmpty() && !v.typeId().isEmpty(), at, who + at + " needs parent and typeId");
        return new Verdict(v.parent(), v.typeId(), v.sourceSignature(), v.verdict(), v.code(), v.message(),
                v.backend());
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

    static void expect(boolean ok, String field, String message) {
        if (!ok) {
            throw new InvalidFleetException(field, message);
        }
    }
}
