package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.error.Rejection;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.HostView.ParentView;
import io.migplan.scheduler.snapshot.PlacementRequest;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import java.util.List;
import java.util.Map;

/**
 * For each device type the VM needs and the host offers, the host's parents together must
 * be able to create as many more instances as the VM has mdevs of that type (the sum of
 * {@code available_instances}). Rejects with {@code NO_FREE_INSTANCE}, listing what each
 * parent has. A type the host lacks entirely is left to {@link DeviceTypePresentFilter}.
 * Each parent's count is what its agent reported, bounded by its capacity model (see {@link
 * HostView#availableInstances}); rules between the VM's own devices of different types (a size
 * lock, a shared pool) are left to {@link io.migplan.scheduler.placement.filter.DeviceAllocator}.
 */
public final class FreeInstanceFilter implements HostFilter {

    public static final String NO_FREE_INSTANCE = "NO_FREE_INSTANCE";

    @Override
    public Reads reads() {
        return Reads.DEVICES;
    }

    @Override
    public List<Rejection> filter(PlacementRequest request, HostView host) {
        List<DeviceRequest> devices = request.devices();
        if (devices.isEmpty()) {
            return List.of();
        }
        if (devices.size() == 1) {
            String type = devices.get(0).typeId();
            return !DeviceTypePresentFilter.offers(host, type) || !lacks(host.availableInstances(type), 1) ? List.of()
                    : List.of(reason(host, Map.entry(type, 1)));
        }
        return request.countsByType().entrySet().stream()
                .filter(e -> DeviceTypePresentFilter.offers(host, e.getKey()))
                .filter(e -> lacks(host.availableInstances(e.getKey()), e.getValue()))
                .map(e -> reason(host, e))
                .toList();
    }

    /** The same reasons as {@link #filter}, without their sentences (each lists every parent). */
    @Override
    public void tally(PlacementRequest request, HostView host, Tally out) {
        List<DeviceRequest> devices = request.devices();
        if (devices.size() == 1) {
            String type = devices.get(0).typeId();
            if (DeviceTypePresentFilter.offers(host, type) && lacks(host.availableInstances(type), 1)) {
                out.add(NO_FREE_INSTANCE, PHRASES.of(type));
            }
        } else if (devices.size() > 1) {
            request.countsByType().forEach((type, count) -> {
                if (DeviceTypePresentFilter.offers(host, type) && lacks(host.availableInstances(type), count)) {
                    out.add(NO_FREE_INSTANCE, PHRASES.of(type));
                }
            });
        }
    }

    /** The rule on its own: a host whose parents can create {@code available} more instances of a type. */
    public static boolean lacks(int available, int requested) {
        return available < requested;
    }

    /** "no free nvidia-231", one string per type rather than one per rejected host. */
    private static final Phrases PHRASES = new Phrases("no free ");

    /** The summary phrase of a host without enough free instances of {@code type}. */
    public static String phrase(String type) {
        return PHRASES.of(type);
    }

    private static Rejection reason(HostView host, Map.Entry<String, Integer> need) {
        String type = need.getKey();
        // One builder for the whole sentence: an SR-IOV host lists dozens of parents here.
        StringBuilder m = new StringBuilder(128).append("host ").append(host.id()).append(": no free instance of ")
                .append(type).append(" (requested ").append(need.getValue()).append(", available ");
        List<ParentView> parents = host.parentsWith(type);
        for (int i = 0; i < parents.size(); i++) {
            ParentView p = parents.get(i);
            m.append(i == 0 ? "" : ", ").append(host.availableOn(type, i)).append(" on ")
                    .append(p.address());
        }
        return new Rejection(NO_FREE_INSTANCE, m.append(')').toString(), PHRASES.of(type));
    }
}
