package io.migplan.scheduler.inventory;

import io.migplan.proto.v1.HostSnapshot;
import java.time.Instant;

/**
 * Fired when a report replaced a host's snapshot, inside the report's transaction; observers that
 * need the commit use AFTER_SUCCESS.
 *
 * @param generation         the generation now stored
 * @param previousGeneration the generation it replaced; negative for the host's first report
 * @param snapshot           the report as applied
 * @param at                 when it was applied (the host's {@code last_report_at} and
 *                           {@code last_heartbeat_at}; the host is UP)
 * @param adminState         the host's admin state as the report's transaction held it (reports never change it)
 * @param adminReason        its reason
 */
public record InventoryApplied(String hostId, long generation, long previousGeneration, HostSnapshot snapshot,
        Instant at, AdminState adminState, String adminReason) {
}
