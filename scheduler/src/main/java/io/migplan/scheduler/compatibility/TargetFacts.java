package io.migplan.scheduler.compatibility;

import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.Problem;
import io.migplan.proto.v1.ProblemSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a compatibility verdict depends on on its target host's side: the one rule that says
 * whether a host's verdicts still hold after it reported again. Two reports with the same digest
 * ({@link #digest}) would have the host's agent give the same answers, so its verdicts carry over
 * to the newer generation ({@link CompatibilityMatrix}); any difference, or a report whose devices
 * could not all be read, leaves them stale and they are asked again.
 *
 * <p>The facts are everything the probe backends of the agent read from the inventory they answer
 * from (the rules, same-signature, version-attribute and command backends, and the per-vendor
 * router): the host's release and agent endpoint (another agent may answer otherwise); each
 * parent, in the order reported, with its address, vendor and device ids, board, bound driver,
 * driver version, physical function and kind; each of its types, in order, with its id, name,
 * description, device API, signature and its source, parsed attributes, and every attribute file
 * as read, the version attribute included. Left out is only what tells usage, not the device: the
 * VMs and their devices, free and used instances (the {@code available_instances} field and file,
 * the capacity model's counts), CPUs, memory, labels, failure domain and the libvirt address. The
 * host's kernel is not reported; what of it a probe sees shows in the types' attribute files and
 * signatures, which are compared.
 *
 * <p>When in doubt the facts differ: a type or parent missing, listed in another order or with
 * any attribute file changed, and a report with a problem reading devices or host facts (anything
 * but libvirt), has no digest and keeps nothing. NVIDIA vGPU 17+ parents list the types a VF can
 * still create, which changes with the VMs, so their hosts' verdicts are asked again as before.
 * What the agent's own probe configuration says (which backend per vendor, its rules file) is not
 * in a report, so a change of it alone keeps the verdicts given under the old one until a fact
 * above changes.
 */
public final class TargetFacts {

    /** Attribute files that say how many more instances fit now: usage, not what the type is. */
    static final Set<String> USAGE_FILES = Set.of("available_instances");

    private TargetFacts() {
    }

    /**
     * A digest of the facts of {@code snapshot} a verdict depends on; empty when the report says it
     * could not read all of them (a problem of any source but libvirt), so no digest equals it.
     */
    public static Optional<String> digest(HostSnapshot snapshot) {
        for (Problem p : snapshot.getProblemsList()) {
            if (p.getSource() != ProblemSource.PROBLEM_SOURCE_LIBVIRT) {
                return Optional.empty();
            }
        }
        return Optional.of(sha256(canonical(snapshot)));
    }

    /** The facts as one unambiguous text: every field length-prefixed, in report order. */
    static String canonical(HostSnapshot snapshot) {
        Fields f = new Fields();
        f.add("release", snapshot.getHost().getRelease()).add("endpoint", snapshot.getHost().getAgentEndpoint());
        for (ParentDevice p : snapshot.getParentsList()) {
            f.add("parent", p.getAddress()).add("vendor", p.getVendorId()).add("device", p.getDeviceId())
                    .add("board", p.getBoard()).add("driver", p.getDriver())
                    .add("driverVersion", p.getDriverVersion()).add("pf", p.getPhysicalFunction())
                    .add("kind", p.getKind().name());
            for (DeviceType t : p.getTypesList()) {
                f.add("type", t.getTypeId()).add("name", t.getName()).add("description", t.getDescription())
                        .add("api", t.getDeviceApi()).add("signature", t.getSignature())
                        .add("signatureSource", t.getSignatureSource().name())
                        .add("attributes", t.getAttributesMap()).add("raw", withoutUsage(t.getRawMap()));
            }
        }
        return f.text();
    }

    private static Map<String, String> withoutUsage(Map<String, String> raw) {
        Map<String, String> out = new TreeMap<>(raw);
        out.keySet().removeAll(USAGE_FILES);
        return out;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Named, length-prefixed fields: no value can pass for another's end or a field of its own. */
    private static final class Fields {
        private final StringBuilder text = new StringBuilder();

        Fields add(String name, String value) {
            text.append(name).append(' ').append(value.length()).append(':').append(value).append('\n');
            return this;
        }

        Fields add(String name, Map<String, String> values) {
            add(name, Integer.toString(values.size()));
            new TreeMap<>(values).forEach((k, v) -> add("key", k).add("value", v));
            return this;
        }

        String text() {
            return text.toString();
        }
    }
}
