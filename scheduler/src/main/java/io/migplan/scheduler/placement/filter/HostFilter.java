package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.error.Rejection;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.PlacementRequest;
import java.util.List;

/**
 * One placement rule that needs nothing but the host view: cheap, pure, and run for every
 * host so the whole diagnosis is returned, not only the first failure.
 */
public interface HostFilter {

    /**
     * What of the VM a filter's decision reads (its sentences may name more), so callers can
     * judge VMs alike once: an evacuation of thousands of VMs asks a {@link #DEVICES} filter once
     * per device class and a {@link #SIZE} filter once per VM size, not once per VM.
     */
    enum Reads {
        /**
         * The VM's source release and its devices (type, source signature and facts), and the
         * moment asked (the same for every VM of one question); nothing else of the VM.
         */
        DEVICES,
        /** Those and the VM's vCPUs and memory. */
        SIZE,
        /** Anything of the VM, its identity included: judged per VM. */
        VM
    }

    /** What of the VM this filter's decision reads; a filter that does not say is judged per VM. */
    default Reads reads() {
        return Reads.VM;
    }

    /** Every way {@code host} breaks this rule for {@code request}; empty when it passes. */
    List<Rejection> filter(PlacementRequest request, HostView host);

    /**
     * The code and phrase of every reason {@link #filter} gives, in its order, without the
     * sentences. The default builds the reasons; filters on the hot path answer directly.
     */
    default void tally(PlacementRequest request, HostView host, Tally out) {
        for (Rejection r : filter(request, host)) {
            out.add(r.code(), r.tally());
        }
    }
}
