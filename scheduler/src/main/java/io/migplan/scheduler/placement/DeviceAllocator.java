package io.migplan.scheduler.placement;

import io.migplan.scheduler.placement.HostView.ParentView;
import io.migplan.scheduler.placement.PlacementRequest.DeviceRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides on which parent of a target host each of the VM's mdevs would be created: per
 * device, the parent with the most available instances of its type left (ties by address),
 * counting the devices already placed. Spreading this way keeps the most room on every GPU.
 *
 * <p>It does not model cross-type locks (NVIDIA's equal-size mode, GVT-g's shared aperture):
 * it trusts each type's reported {@code available_instances}, and the agent confirms on
 * creation. Two devices of different types on one empty GPU may therefore look possible here
 * when the driver would refuse the second.
 */
public final class DeviceAllocator {

    private DeviceAllocator() {
    }

    /** Where a device would land. */
    public record Landing(DeviceRequest device, String parent) {
    }

    /** One landing per device, or empty when some device finds no free instance. */
    public static Optional<List<Landing>> allocate(PlacementRequest request, HostView host) {
        List<DeviceRequest> devices = request.devices();
        if (devices.isEmpty()) {
            return Optional.of(List.of());
        }
        if (devices.size() == 1) {
            // Most VMs have one mdev: the host view already knows its roomiest parent per type.
            ParentView p = host.roomiest(devices.get(0).typeId());
            return p == null ? Optional.empty() : Optional.of(List.of(new Landing(devices.get(0), p.address())));
        }
        // Instances taken by the devices placed so far, by parent and type: only those differ
        // from what the host reported, so the rest is read from the views as they are.
        Map<String, Integer> taken = new HashMap<>();
        List<Landing> out = new ArrayList<>(devices.size());
        for (DeviceRequest d : devices) {
            ParentView best = null;
            int bestLeft = 0;
            List<ParentView> offering = host.parentsWith(d.typeId());
            for (int k = 0; k < offering.size(); k++) {
                ParentView p = offering.get(k);
                int left = host.availableOn(d.typeId(), k)
                        - (taken.isEmpty() ? 0 : taken.getOrDefault(p.address() + "\n" + d.typeId(), 0));
                // Most room left wins; a tie goes to the lower address, so answers are stable.
                if (left > bestLeft || (left == bestLeft && left > 0 && best.address().compareTo(p.address()) > 0)) {
                    best = p;
                    bestLeft = left;
                }
            }
            if (best == null) {
                return Optional.empty();
            }
            taken.merge(best.address() + "\n" + d.typeId(), 1, Integer::sum);
            out.add(new Landing(d, best.address()));
        }
        return Optional.of(out);
    }
}
