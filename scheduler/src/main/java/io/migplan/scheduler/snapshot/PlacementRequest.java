package io.migplan.scheduler.snapshot;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The VM to move, as the filters see it: what it needs on a target.
 *
 * @param devices its mdevs, in the order its host reported them
 * @param now     the moment the question is answered, for age-based rules
 */
public record PlacementRequest(String vmName, String vmUuid, String sourceHost, String sourceRelease, int vcpus,
        long memoryMib, List<DeviceRequest> devices, Instant now, String antiAffinityGroup) {

    /**
     * One mdev of the VM.
     *
     * @param sourceSignature the signature of its type on its parent at the source, empty when the
     *                        source did not report that type (the probe then decides on the type alone)
     * @param source          what the source reported of the parent and host, for rule-based probes
     */
    public record DeviceRequest(String uuid, String typeId, String sourceParent, String sourceSignature,
            SourceFacts source) {
    }

    /** The source parent's board and driver and the source host's release; empty strings when not reported. */
    public record SourceFacts(String board, String driver, String driverVersion, String release) {
        public static final SourceFacts NONE = new SourceFacts("", "", "", "");
    }

    /** How many instances of each type the VM needs, by type id in order. */
    public Map<String, Integer> countsByType() {
        Map<String, Integer> counts = new TreeMap<>();
        devices.forEach(d -> counts.merge(d.typeId(), 1, Integer::sum));
        return counts;
    }
}
