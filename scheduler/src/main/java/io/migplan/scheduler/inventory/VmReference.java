package io.migplan.scheduler.inventory;

import io.migplan.scheduler.error.AmbiguousNameException;
import io.migplan.scheduler.error.UnknownObjectException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * How a caller's reference names a VM. A VM's identity is its libvirt domain UUID, unique across
 * the fleet; its name is for display, and libvirt keeps a name unique on one host only. So a
 * reference is a UUID first: a VM with that UUID always wins over a VM with that name. Else it is
 * a name, which must be carried by one VM: a name VMs of several UUIDs carry is refused with
 * AMBIGUOUS_NAME listing each UUID and its host. The same UUID listed twice (a migration's two
 * hosts, for a moment) is one VM. Both the stored inventory and the cluster snapshot resolve
 * references by this rule.
 */
public final class VmReference {

    /** What the rule reads of a VM: its identity and where it runs. */
    public record Identity(String uuid, String host) {
    }

    private VmReference() {
    }

    /**
     * The VM {@code ref} names.
     *
     * @param byUuid   the VM whose UUID is {@code ref}, if any
     * @param named    the VMs named {@code ref}, the one to take first where a UUID is listed twice
     * @param identity a VM's UUID and host
     * @throws UnknownObjectException when no VM has that UUID or name
     * @throws AmbiguousNameException when VMs of more than one UUID carry the name
     */
    public static <T> T resolve(String ref, Optional<T> byUuid, List<T> named, Function<T, Identity> identity) {
        if (byUuid.isPresent()) {
            return byUuid.get();
        }
        Map<String, String> hostByUuid = new LinkedHashMap<>();
        named.forEach(vm -> hostByUuid.putIfAbsent(identity.apply(vm).uuid(), identity.apply(vm).host()));
        if (hostByUuid.isEmpty()) {
            throw new UnknownObjectException("no VM with UUID or name '" + ref + "'");
        }
        if (hostByUuid.size() > 1) {
            throw new AmbiguousNameException(ref, hostByUuid);
        }
        return named.get(0);
    }
}
