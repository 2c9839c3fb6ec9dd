package io.migplan.cli.executor.libvirt;

import io.migplan.cli.executor.ExecutionFailure;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the executor needs to know of libvirt's node devices for mdevs: the XML that creates one
 * ({@code virsh nodedev-create}), the name libvirt gave it, and which listed node device is the
 * mdev with a given UUID.
 *
 * <p>Names: libvirt names an mdev's node device after its UUID with '-' turned into '_'. Up to
 * libvirt 7.6 that was all ({@code mdev_d069d019_36ea_4111_8f0a_8c9a70e21366}); since 7.7 the
 * parent's sysfs name follows, so that mdevs mdevctl defines with one UUID on several parents stay
 * apart ({@code mdev_d069d019_36ea_4111_8f0a_8c9a70e21366_0000_00_02_0}; s390:
 * {@code …_0_0_0072}). A name is therefore found from the UUID, never built: among the active mdevs
 * ({@code nodedev-list --cap mdev} lists active devices only), the one whose name is {@code
 * mdev_<uuid>} or starts with {@code mdev_<uuid>_}. The kernel allows one active mdev per UUID, so
 * more than one match means the list is not what it seems, and nothing is removed on a guess.
 */
final class MdevNodeDevices {
    /** A UUID as libvirt and the kernel write it (lower case; upper case is accepted and folded). */
    static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /**
     * An mdev type id as the kernel names a {@code mdev_supported_types} directory: {@code nvidia-231},
     * {@code i915-GVTg_V5_4}, {@code mtty-1}. Nothing that would need escaping in XML.
     */
    private static final Pattern TYPE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+:-]{0,127}");
    /** virsh's answer to nodedev-create: "Node device mdev_… created from /tmp/….xml". */
    private static final Pattern CREATED = Pattern.compile("Node device (\\S+) created from ");

    private MdevNodeDevices() {
    }

    /**
     * The node device XML that creates an mdev of {@code type} with {@code uuid} on the parent node
     * device {@code parentNodeDevice} (libvirt's node device XML format, capability {@code mdev}).
     */
    static String createXml(String parentNodeDevice, String type, String uuid) throws ExecutionFailure {
        if (type == null || !TYPE_ID.matcher(type).matches()) {
            throw new ExecutionFailure("mdev type '" + type + "' is not a type id like nvidia-231");
        }
        return "<device>\n"
                + "  <parent>" + parentNodeDevice + "</parent>\n"
                + "  <capability type='mdev'>\n"
                + "    <type id='" + type + "'/>\n"
                + "    <uuid>" + checkedUuid(uuid) + "</uuid>\n"
                + "  </capability>\n"
                + "</device>\n";
    }

    /** The node device name virsh reported having created, if its answer names one. */
    static Optional<String> createdName(String virshStdout) {
        Matcher m = CREATED.matcher(virshStdout);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The node devices in {@code nodedev-list --cap mdev}'s output that are the mdev with {@code uuid}. */
    static List<String> named(String listOutput, String uuid) throws ExecutionFailure {
        String prefix = "mdev_" + checkedUuid(uuid).replace('-', '_');
        return listOutput.lines()
                .map(String::strip)
                .filter(name -> name.equals(prefix) || name.startsWith(prefix + "_"))
                .sorted()
                .toList();
    }

    static String checkedUuid(String uuid) throws ExecutionFailure {
        String u = uuid == null ? "" : uuid.strip().toLowerCase(Locale.ROOT);
        if (!UUID.matcher(u).matches()) {
            throw new ExecutionFailure("'" + uuid + "' is not an mdev UUID");
        }
        return u;
    }
}
