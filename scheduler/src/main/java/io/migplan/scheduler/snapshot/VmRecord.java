package io.migplan.scheduler.snapshot;

import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import java.time.Instant;
import java.util.List;

/**
 * A VM as the snapshot holds it: what it needs on a target, resolved from its host's report.
 *
 * @param unresolved a sentence when one of its mdevs was not reported as an active device
 *                   (its type is unknown, so it cannot be placed); null when complete
 */
public record VmRecord(String name, String uuid, String host, String release, int vcpus, long memoryMib,
        List<DeviceRequest> devices, String unresolved, String antiAffinityGroup) {

    /** The placement question for this VM, asked at {@code now}. */
    public PlacementRequest request(Instant now) {
        return new PlacementRequest(name, uuid, host, release, vcpus, memoryMib, devices, now, antiAffinityGroup);
    }
}
