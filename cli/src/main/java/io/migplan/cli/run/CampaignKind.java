package io.migplan.cli.run;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a campaign does with the hosts it empties, as the scheduler's JSON field {@code kind} names
 * it, and the words people read for it: the one place the command line says what a finished host
 * is called. It decides nothing about the campaign; the scheduler does.
 */
public enum CampaignKind {
    /** A rolling upgrade: a host is done once upgraded. */
    UPGRADE("campaign", "upgraded", "upgraded"),
    /** A rolling upgrade backwards: a host is done once back at the old release. */
    ROLLBACK("campaign", "rolled back", "rolled back"),
    /** Maintenance without an upgrade: a host is done once empty and left in MAINTENANCE. */
    EVACUATION("evacuation", "emptied", "emptied and in maintenance");

    private final String noun;
    private final String done;
    private final String doneInFull;

    CampaignKind(String noun, String done, String doneInFull) {
        this.noun = noun;
        this.done = done;
        this.doneInFull = doneInFull;
    }

    /**
     * The kind of the campaign {@code view} shows; an upgrade where it names none (a scheduler from
     * before evacuations and rollbacks, or no view at all) or one this command line does not know.
     */
    public static CampaignKind of(JsonNode view) {
        String kind = view == null ? "" : view.path("kind").asText("");
        for (CampaignKind k : values()) {
            if (k.name().equals(kind)) {
                return k;
            }
        }
        return UPGRADE;
    }

    /** The word for a campaign of this kind ("campaign", "evacuation"). */
    public String noun() {
        return noun;
    }

    /** What a finished host is, short enough for the live progress line ("upgraded", "emptied"). */
    public String done() {
        return done;
    }

    /** The hosts this campaign finished, in full ("hosts upgraded", "hosts emptied and in maintenance"). */
    public String hostsDone() {
        return "hosts " + doneInFull;
    }
}
