package io.migplan.cli.executor.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.migplan.cli.executor.Executor.Migration;
import io.migplan.cli.executor.Executor.Upgrade;
import java.time.Duration;

/**
 * The JSON document a user's command reads on stdin: the whole migration or upgrade, so a program
 * need not parse its arguments. Field names are stable (programs depend on them); a field may be
 * added, none is renamed or removed. One object, then end of input:
 *
 * <pre>
 * {"operation":"migrate","id":"c7-m12","vm":"vm-17","vmUuid":"0b9f4a3c-…","from":"host-a","to":"host-b",
 *  "devices":[{"parent":"0000:3b:00.0","type":"nvidia-231"}],"timeoutSeconds":600}
 * {"operation":"upgrade","host":"host-a","toRelease":"2025.2"}
 * </pre>
 *
 * <ul>
 *   <li>{@code operation}: {@code migrate} or {@code upgrade}, as the first argument;
 *   <li>{@code id}: the migration's id in its campaign or evacuation;
 *   <li>{@code vm}, {@code vmUuid}: the VM's libvirt domain name and UUID (the UUID is its identity);
 *   <li>{@code from}, {@code to}: source and target host, as the scheduler names them;
 *   <li>{@code devices}: per mdev of the VM, in the domain's device order, the target {@code parent}
 *       (PCI address) to create it on and its mdev {@code type};
 *   <li>{@code timeoutSeconds}: how long the program may take before it is killed (whole seconds,
 *       rounded up);
 *   <li>{@code host}, {@code toRelease}: the host to upgrade (proven empty) and the release to bring it to.
 * </ul>
 */
public final class ExecutionDocuments {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExecutionDocuments() {
    }

    /** The document of one migration; {@code timeout} is the one the program is given. */
    public static String migration(Migration m, Duration timeout) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("operation", "migrate");
        doc.put("id", m.id());
        doc.put("vm", m.vm());
        doc.put("vmUuid", m.vmUuid());
        doc.put("from", m.from());
        doc.put("to", m.to());
        ArrayNode devices = doc.putArray("devices");
        for (int i = 0; i < m.parents().size(); i++) {
            devices.addObject()
                    .put("parent", m.parents().get(i))
                    .put("type", i < m.types().size() ? m.types().get(i) : null);
        }
        doc.put("timeoutSeconds", (timeout.toMillis() + 999) / 1000);
        return write(doc);
    }

    /** The document of one upgrade. */
    public static String upgrade(Upgrade u) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("operation", "upgrade");
        doc.put("host", u.host());
        doc.put("toRelease", u.toRelease());
        return write(doc);
    }

    private static String write(ObjectNode doc) {
        try {
            return JSON.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers could not be written as JSON", e);
        }
    }
}
