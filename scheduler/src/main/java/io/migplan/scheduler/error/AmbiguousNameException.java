package io.migplan.scheduler.error;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * A VM named by a name that VMs on more than one host carry (libvirt keeps a name unique on one
 * host only): the caller must name the one it means by its UUID. The message lists each UUID
 * with its host; nothing was done.
 */
public class AmbiguousNameException extends RefusalException {

    public static final String CODE = "AMBIGUOUS_NAME";

    /** @param hostByUuid each VM carrying the name: its UUID and the host it runs on */
    public AmbiguousNameException(String name, Map<String, String> hostByUuid) {
        super(ErrorKind.CONFLICT, CODE, "name '" + name + "' matches " + hostByUuid.size() + " VMs: "
                + hostByUuid.entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + " on host " + e.getValue()).collect(Collectors.joining(", "))
                + "; name the VM by its UUID");
    }
}
