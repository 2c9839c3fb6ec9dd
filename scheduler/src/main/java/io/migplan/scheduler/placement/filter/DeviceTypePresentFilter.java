package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.placement.HostView;
import io.migplan.scheduler.placement.PlacementRequest;
import java.util.List;

/**
 * A host must offer, on some parent, every device type the VM's mdevs have: the state of an
 * mdev can only arrive in an mdev of its own type. Rejects with {@code NO_DEVICE_TYPE}, one
 * reason per missing type. Whether an instance is free is {@link FreeInstanceFilter}'s rule.
 */
public final class DeviceTypePresentFilter implements HostFilter {

    public static final String NO_DEVICE_TYPE = "NO_DEVICE_TYPE";

    @Override
    public List<Reason> filter(PlacementRequest request, HostView host) {
        return request.countsByType().keySet().stream()
                .filter(type -> host.parentsWith(type).isEmpty())
                .map(type -> new Reason(NO_DEVICE_TYPE, "host " + host.id() + " has no device type " + type,
                        "no device type " + type))
                .toList();
    }
}
