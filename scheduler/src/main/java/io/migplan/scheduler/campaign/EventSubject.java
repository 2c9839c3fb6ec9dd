package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.CampaignStore.HostRow;
import io.migplan.scheduler.campaign.CampaignStore.MigrationRow;

/**
 * What an event of a campaign's history is about, beside the campaign: a host of it, a migration
 * of it, or nothing more ({@link #CAMPAIGN}: a plan, a pause, the end). Stored with the event's
 * sentence, so a follower ({@link CampaignEvent}) need not parse the sentence to know which host
 * or VM it names.
 */
record EventSubject(String host, String vm, String vmUuid, String migration, String from, String to,
        Integer batch) {

    /** The campaign as a whole. */
    static final EventSubject CAMPAIGN = new EventSubject(null, null, null, null, null, null, null);

    static EventSubject host(HostRow h) {
        return new EventSubject(h.host(), null, null, null, null, null, h.batch());
    }

    static EventSubject migration(MigrationRow m) {
        return new EventSubject(null, m.vm(), m.vmUuid(), m.id(), m.from(), m.to(), m.batch());
    }
}
