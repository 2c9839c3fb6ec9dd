package io.migplan.scheduler.placement;

import io.migplan.scheduler.placement.HostView.ParentView;
import io.migplan.scheduler.placement.PlacementRequest.DeviceRequest;
import java.util.ArrayList;
import java.util.Comparator;
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
        Map<String, Integer> left = new HashMap<>();
        for (ParentView p : host.parents()) {
            p.types().forEach(t -> left.put(p.address() + "\n" + t.typeId(), t.availableInstances()));
        }
        List<Landing> out = new ArrayList<>();
        for (DeviceRequest d : request.devices()) {
            Optional<ParentView> best = host.parentsWith(d.typeId()).stream()
                    .filter(p -> left.get(p.address() + "\n" + d.typeId()) > 0)
                    .min(Comparator.<ParentView>comparingInt(p -> -left.get(p.address() + "\n" + d.typeId()))
                            .thenComparing(ParentView::address));
            if (best.isEmpty()) {
                return Optional.empty();
            }
            left.merge(best.get().address() + "\n" + d.typeId(), -1, Integer::sum);
            out.add(new Landing(d, best.get().address()));
        }
        return Optional.of(out);
    }
}
