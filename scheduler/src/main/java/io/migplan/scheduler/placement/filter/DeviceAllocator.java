package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.snapshot.PlacementRequest;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.capacity.CapacityUnit;
import io.migplan.scheduler.snapshot.HostView.ParentView;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides on which parent of a target host each of the VM's mdevs would be created: per
 * device, the parent with the most available instances of its type left (ties by address),
 * counting the devices already placed. Spreading this way keeps the most room on every GPU.
 *
 * <p>What is left on a parent is its reported count less what this VM already took there, bounded
 * by its capacity model after those instances ({@link CapacityUnit}), so cross-type rules hold
 * between the VM's own devices: a second device of another size does not land on a GPU the first
 * one locked, nor on a GVT-g pool the first one emptied. The agent confirms on creation.
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
        // Instances taken by the devices placed so far, by parent and type, and the capacity units
        // they were counted into (parents with a model): only those differ from what the host reported.
        Map<String, Integer> taken = new HashMap<>();
        Map<String, Integer> takenOnParent = new HashMap<>();
        Map<CapacityUnit, CapacityUnit> counted = new IdentityHashMap<>();
        List<Landing> out = new ArrayList<>(devices.size());
        for (DeviceRequest d : devices) {
            ParentView best = null;
            int bestLeft = 0;
            List<ParentView> offering = host.parentsWith(d.typeId());
            for (int k = 0; k < offering.size(); k++) {
                ParentView p = offering.get(k);
                int left = host.availableOn(d.typeId(), k)
                        - (taken.isEmpty() ? 0 : taken.getOrDefault(p.address() + "\n" + d.typeId(), 0));
                CapacityUnit unit = counted.get(host.capacityUnit(p.address()));
                if (unit != null && left > 0) {
                    int t = unit.typeIndex(d.typeId());
                    left = t < 0 ? 0 : Math.min(left, unit.parentHeadroom(t, p.capacity().getUsedInstances()
                            + takenOnParent.getOrDefault(p.address(), 0)));
                }
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
            takenOnParent.merge(best.address(), 1, Integer::sum);
            CapacityUnit model = host.capacityUnit(best.address());
            if (model != null) {
                CapacityUnit unit = counted.computeIfAbsent(model, CapacityUnit::copy);
                int t = unit.typeIndex(d.typeId());
                if (t >= 0 && unit.headroom(t) > 0) {
                    unit.create(t);
                }
            }
            out.add(new Landing(d, best.address()));
        }
        return Optional.of(out);
    }
}
