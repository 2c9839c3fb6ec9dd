package io.migplan.scheduler.campaign;

import java.time.Instant;

/**
 * One event of a campaign's history as its followers receive it ({@code GET
 * /api/v1/campaigns/{id}/events} as the JSON {@code data} of a server-sent event, gRPC {@code
 * WatchCampaign} as a {@code CampaignEvent} message). There is one history: the stream shows the
 * same rows {@code GET /api/v1/campaigns/{id}} lists, with what a program following them needs
 * beside the sentence. The JSON is a stable contract (README, "Following a campaign"): fields are
 * only ever added; a field that does not apply to an event is {@code null}, never left out.
 *
 * @param position  1, 2, 3, ... within the campaign, in the order the events were committed,
 *                  without gaps: the position to resume after ({@code Last-Event-ID}, {@code ?after})
 * @param kind      what happened (README lists the kinds), e.g. {@code MIGRATION_ISSUED}, {@code HOST_EMPTY}
 * @param state     the campaign's state once the event was written ({@code RUNNING}, {@code PAUSED},
 *                  {@code COMPLETED}, ...); null only on events written before the scheduler kept it
 * @param host      the host a host event is about ({@code HOST_EMPTY}, {@code UPGRADE_STARTED}, ...)
 * @param vm        the VM a migration event is about, by name; {@code vmUuid} is its identity
 * @param migration the migration's id, as {@code next} issued it
 * @param from      the migration's source host
 * @param to        the migration's target host
 * @param batch     the batch of the host or migration
 * @param message   the history's sentence, naming hosts, VMs and numbers
 */
public record CampaignEvent(String campaign, long position, Instant at, String kind, String state, String host,
        String vm, String vmUuid, String migration, String from, String to, Integer batch, String message) {
}
