package io.migplan.scheduler.campaign;

import java.time.Instant;
import java.util.List;

/**
 * What an orchestrator should do now: {@code POST /api/v1/campaigns/{id}/next} (under a lease)
 * or, changing nothing, {@code GET …/next}.
 *
 * @param start          migrations issued by this call, each with its target slots already claimed;
 *                       start them and report each done or failed. In a preview, what a POST would
 *                       issue now if every check still holds (nothing claimed: no reservations)
 * @param inFlight       migrations issued earlier and not yet reported (e.g. after a restart, or
 *                       taken over from an orchestrator whose lease expired)
 * @param upgrade        hosts proven empty that may be upgraded now; report each started
 * @param waiting        why nothing more can be done now, one sentence per cause
 * @param preview        whether this is a preview: nothing was issued, claimed, asked or stored
 * @param leaseHolder    the orchestrator holding the campaign's lease; null when none
 * @param leaseExpiresAt when that lease ends unless renewed by another POST; null when none
 */
public record NextStep(String campaign, String state, List<Action> start, List<Action> inFlight,
        List<String> upgrade, List<String> waiting, boolean preview, String leaseHolder, Instant leaseExpiresAt) {

    /**
     * A migration to perform.
     *
     * @param vm           the VM's name (unique on its host), for display and for the hypervisor
     * @param vmUuid       the VM's libvirt UUID, its identity
     * @param parents      per device, the target parent to create the mdev on
     * @param reservations the claimed slots' ids, held while the migration is in flight
     * @param deadline     when the campaign asks the source's and target's agents where the VM is
     *                     and settles the migration from their answer, unless reported before;
     *                     null in a preview
     */
    public record Action(String id, String vm, String vmUuid, String from, String to, List<String> parents, List<String> types,
            int batch, int wave, List<Long> reservations, Instant deadline) {
    }
}
