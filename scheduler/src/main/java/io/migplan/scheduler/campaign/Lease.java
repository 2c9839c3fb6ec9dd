package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.CampaignStore.CampaignRow;
import io.migplan.scheduler.error.InvalidRequestException;
import java.time.Duration;
import java.time.Instant;

/**
 * Who may drive a running campaign: one orchestrator at a time holds its lease, taken and renewed
 * by {@code POST …/next}. Only the holder's reports are taken; a lease not renewed before it
 * expires lets another orchestrator take over, with the work in flight. The rules, without the
 * storing, so each is decided in one place and tested as a table.
 *
 * @param holder    the orchestrator holding the lease
 * @param expiresAt when it ends unless renewed
 */
public record Lease(String holder, Instant expiresAt) {

    /** A lease's length when the orchestrator does not say. */
    public static final int DEFAULT_SECONDS = 120;
    public static final int MIN_SECONDS = 10;
    public static final int MAX_SECONDS = 3600;

    /** An orchestrator's ask for the lease: who, and for how long. */
    public record Asked(String orchestrator, Duration length) {
    }

    /** The campaign's lease as its row holds it; null when nobody ever took one. */
    static Lease of(CampaignRow c) {
        return c.leaseHolder() == null ? null : new Lease(c.leaseHolder(), c.leaseExpiresAt());
    }

    /** Whether the lease still holds at {@code now}. */
    boolean live(Instant now) {
        return expiresAt.isAfter(now);
    }

    /**
     * The lease {@code orchestrator} gets when it asks at {@code now}: a new one, its own renewed,
     * or one taken over from a holder whose lease expired.
     *
     * @throws CampaignConflictException {@code LEASE_HELD} while another orchestrator's lease holds
     */
    static Lease take(String campaign, Lease current, String orchestrator, Duration length, Instant now) {
        if (current != null && !current.holder().equals(orchestrator) && current.live(now)) {
            throw new CampaignConflictException("LEASE_HELD", "campaign " + campaign + " is driven by orchestrator "
                    + current.holder() + ", whose lease holds until " + current.expiresAt() + "; another orchestrator"
                    + " may take over once it expires unrenewed");
        }
        return new Lease(orchestrator, now.plus(length));
    }

    /** Whether {@code next} is a takeover: the lease passes from one orchestrator to another. */
    static boolean takesOver(Lease current, Lease next) {
        return current != null && !current.holder().equals(next.holder());
    }

    /**
     * Refuses a report from anyone but the holder. A holder whose lease expired may still report
     * while nobody has taken the lease over.
     *
     * @throws CampaignConflictException {@code NOT_LEASE_HOLDER} naming the holder
     */
    static void requireHolder(String campaign, Lease current, String orchestrator) {
        if (current == null) {
            throw new CampaignConflictException("NOT_LEASE_HOLDER", "nobody holds campaign " + campaign
                    + "'s lease; reports come from the orchestrator that took work with POST next");
        }
        if (!current.holder().equals(orchestrator)) {
            throw new CampaignConflictException("NOT_LEASE_HOLDER", "campaign " + campaign + " is driven by"
                    + " orchestrator " + current.holder() + ", not " + orchestrator + "; only the lease holder's"
                    + " reports are taken");
        }
    }

    /** The length asked for, or the default; bounds are the request's to check. */
    static Duration length(Integer seconds) {
        int s = seconds == null || seconds == 0 ? DEFAULT_SECONDS : seconds;
        if (s < MIN_SECONDS || s > MAX_SECONDS) {
            throw new InvalidRequestException("leaseSeconds must be in " + MIN_SECONDS + ".." + MAX_SECONDS + ", got "
                    + s);
        }
        return Duration.ofSeconds(s);
    }
}
