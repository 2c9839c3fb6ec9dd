package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.error.Rejection;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.PlacementRequest;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import java.util.Collection;
import java.util.List;

/**
 * A host must offer, on some parent, every device type the VM's mdevs have: the state of an
 * mdev can only arrive in an mdev of its own type. Rejects with {@code NO_DEVICE_TYPE}, one
 * reason per missing type. Whether an instance is free is {@link FreeInstanceFilter}'s rule.
 */
public final class DeviceTypePresentFilter implements HostFilter {

    public static final String NO_DEVICE_TYPE = "NO_DEVICE_TYPE";

    @Override
    public Reads reads() {
        return Reads.DEVICES;
    }

    @Override
    public List<Rejection> filter(PlacementRequest request, HostView host) {
        List<DeviceRequest> devices = request.devices();
        // Most VMs have one mdev, or a few of one type: answer those without sorting the types.
        if (devices.isEmpty() || (devices.size() == 1 && offers(host, devices.get(0).typeId()))) {
            return List.of();
        }
        if (devices.size() == 1) {
            return List.of(reason(host, devices.get(0).typeId()));
        }
        return request.countsByType().keySet().stream()
                .filter(type -> !offers(host, type))
                .map(type -> reason(host, type))
                .toList();
    }

    /** The same reasons as {@link #filter}, without their sentences. */
    @Override
    public void tally(PlacementRequest request, HostView host, Tally out) {
        List<DeviceRequest> devices = request.devices();
        if (devices.size() == 1) {
            if (!offers(host, devices.get(0).typeId())) {
                out.add(NO_DEVICE_TYPE, PHRASES.of(devices.get(0).typeId()));
            }
        } else if (devices.size() > 1) {
            for (String type : request.countsByType().keySet()) {
                if (!offers(host, type)) {
                    out.add(NO_DEVICE_TYPE, PHRASES.of(type));
                }
            }
        }
    }

    /** The rule for one type: some parent of the host offers {@code type}, free or not. */
    public static boolean offers(HostView host, String type) {
        return host.offers(type);
    }

    /**
     * The rule on its own, for callers that hold the types rather than a request (a campaign, the
     * summary's type columns): the host offers every one of {@code types}.
     */
    public static boolean offersAll(HostView host, Collection<String> types) {
        for (String type : types) {
            if (!offers(host, type)) {
                return false;
            }
        }
        return true;
    }

    /** "no device type nvidia-231", one string per type rather than one per rejected host. */
    private static final Phrases PHRASES = new Phrases("no device type ");

    /** The summary phrase of a host that lacks {@code type}. */
    public static String phrase(String type) {
        return PHRASES.of(type);
    }

    private static Rejection reason(HostView host, String type) {
        return new Rejection(NO_DEVICE_TYPE, "host " + host.id() + " has no device type " + type, PHRASES.of(type));
    }
}
