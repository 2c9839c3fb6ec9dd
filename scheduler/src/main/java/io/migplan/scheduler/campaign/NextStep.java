package io.migplan.scheduler.campaign;

import java.util.List;

/**
 * What an orchestrator should do now ({@code GET /api/v1/campaigns/{id}/next}).
 *
 * @param start    migrations issued by this call, each with its target slots already claimed;
 *                 start them and report each done or failed
 * @param inFlight migrations issued earlier and not yet reported (e.g. after a restart)
 * @param upgrade  hosts that are empty and may be upgraded now; report each started
 * @param waiting  why nothing more can be done now, one sentence per cause
 */
public record NextStep(String campaign, String state, List<Action> start, List<Action> inFlight,
        List<String> upgrade, List<String> waiting) {

    /**
     * A migration to perform.
     *
     * @param parents      per device, the target parent to create the mdev on
     * @param reservations the claimed slots' ids, released when the migration is reported
     */
    public record Action(String id, String vm, String from, String to, List<String> parents, List<String> types,
            int batch, int wave, List<Long> reservations) {
    }
}
