package io.migplan.scheduler.campaign;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The states of a campaign, of each host in it and of each migration, and the one table of the
 * moves allowed between them. Every write of a state goes through {@link #require}, so a step
 * that would make a move the table does not list fails (and its transaction with it) instead of
 * leaving a row in a state nobody planned for. The operator guide prints the same table; a test
 * keeps the two equal.
 */
public final class Transitions {

    /** A campaign's state. */
    public enum CampaignState {
        /** Created; its plan is being computed. */
        PLANNING,
        /** A plan to read: nothing is reserved or issued. */
        DRY_RUN,
        /** Work is issued to the lease holder. */
        RUNNING,
        /** Nothing new is issued; reports of work in flight are still taken. */
        PAUSED,
        /** Stopped for good by an operator. */
        ABORTED,
        /** Every host is finished and nothing is in flight. */
        COMPLETED,
        /** Its plan could not be computed or written. */
        FAILED
    }

    /** A host's state within one campaign. */
    public enum HostStep {
        /** In a batch not started yet. */
        PENDING,
        /** Its VMs are being moved away. */
        DRAINING,
        /** Proven empty by a fresh scan: handed out for upgrade. */
        READY_TO_UPGRADE,
        /** The orchestrator reported the upgrade started. */
        UPGRADING,
        /** Reports the new release; its agent answers the probes the remaining VMs need. */
        PROBING,
        /** At the new release and probed, or found there. */
        DONE,
        /** Kept out of the plan by the policy (e.g. its VMs cannot move). */
        HELD_BACK,
        /** Cannot be emptied: a VM on it has nowhere to go. */
        BLOCKED,
        /** Not up; planned again once it is. */
        WAITING
    }

    /** A migration's state. */
    public enum MigrationState {
        /** Part of the current plan, not handed out yet. */
        PLANNED,
        /** Handed out to the lease holder, its target slots claimed, due by its deadline. */
        ISSUED,
        /** Reported (or seen) done; settled once its target's report shows the VM. */
        DONE,
        /** Reported failed, timed out with the VM on its source, or a done report the agents contradicted. */
        FAILED,
        /** Dropped from the plan before it was issued (re-plan or abort). */
        CANCELLED
    }

    private static final Map<CampaignState, Set<CampaignState>> CAMPAIGN = new EnumMap<>(CampaignState.class);
    private static final Map<HostStep, Set<HostStep>> HOST = new EnumMap<>(HostStep.class);
    private static final Map<MigrationState, Set<MigrationState>> MIGRATION = new EnumMap<>(MigrationState.class);

    /** States a re-plan writes for the hosts it plans again. */
    private static final Set<HostStep> REPLANNED_TO = EnumSet.of(HostStep.PENDING, HostStep.WAITING,
            HostStep.HELD_BACK, HostStep.BLOCKED, HostStep.DONE);

    static {
        CAMPAIGN.put(CampaignState.PLANNING, EnumSet.of(CampaignState.DRY_RUN, CampaignState.RUNNING,
                CampaignState.FAILED));
        CAMPAIGN.put(CampaignState.DRY_RUN, EnumSet.noneOf(CampaignState.class));
        CAMPAIGN.put(CampaignState.RUNNING, EnumSet.of(CampaignState.PAUSED, CampaignState.ABORTED,
                CampaignState.COMPLETED));
        CAMPAIGN.put(CampaignState.PAUSED, EnumSet.of(CampaignState.RUNNING, CampaignState.ABORTED));
        CAMPAIGN.put(CampaignState.ABORTED, EnumSet.noneOf(CampaignState.class));
        CAMPAIGN.put(CampaignState.COMPLETED, EnumSet.noneOf(CampaignState.class));
        CAMPAIGN.put(CampaignState.FAILED, EnumSet.noneOf(CampaignState.class));

        HOST.put(HostStep.PENDING, union(REPLANNED_TO, HostStep.DRAINING));
        HOST.put(HostStep.DRAINING, union(REPLANNED_TO, HostStep.DRAINING, HostStep.READY_TO_UPGRADE));
        HOST.put(HostStep.READY_TO_UPGRADE, EnumSet.of(HostStep.UPGRADING, HostStep.DRAINING));
        HOST.put(HostStep.UPGRADING, EnumSet.of(HostStep.UPGRADING, HostStep.PROBING));
        HOST.put(HostStep.PROBING, EnumSet.of(HostStep.PROBING, HostStep.DONE));
        HOST.put(HostStep.DONE, EnumSet.noneOf(HostStep.class));
        HOST.put(HostStep.HELD_BACK, REPLANNED_TO);
        HOST.put(HostStep.BLOCKED, REPLANNED_TO);
        HOST.put(HostStep.WAITING, REPLANNED_TO);

        MIGRATION.put(MigrationState.PLANNED, EnumSet.of(MigrationState.ISSUED, MigrationState.CANCELLED));
        MIGRATION.put(MigrationState.ISSUED, EnumSet.of(MigrationState.DONE, MigrationState.FAILED));
        MIGRATION.put(MigrationState.DONE, EnumSet.of(MigrationState.FAILED));
        MIGRATION.put(MigrationState.FAILED, EnumSet.noneOf(MigrationState.class));
        MIGRATION.put(MigrationState.CANCELLED, EnumSet.noneOf(MigrationState.class));
    }

    private Transitions() {
    }

    private static Set<HostStep> union(Set<HostStep> base, HostStep... more) {
        EnumSet<HostStep> out = EnumSet.copyOf(base);
        out.addAll(Set.of(more));
        return out;
    }

    /** The moves allowed from each campaign state. */
    public static Map<CampaignState, Set<CampaignState>> campaign() {
        return Collections.unmodifiableMap(CAMPAIGN);
    }

    /**
     * Whether a campaign in {@code state} is done for good (the table allows no move out of it):
     * nothing more is planned, issued or changed for it.
     */
    public static boolean isFinal(CampaignState state) {
        return CAMPAIGN.get(state).isEmpty();
    }

    /** The moves allowed from each host state. */
    public static Map<HostStep, Set<HostStep>> host() {
        return Collections.unmodifiableMap(HOST);
    }

    /** The moves allowed from each migration state. */
    public static Map<MigrationState, Set<MigrationState>> migration() {
        return Collections.unmodifiableMap(MIGRATION);
    }

    /** Whether the table allows {@code from} → {@code to}; staying in a state is a move only where listed. */
    public static <S extends Enum<S>> boolean allowed(S from, S to) {
        return table(from).getOrDefault(from, Set.of()).contains(to);
    }

    /**
     * Returns {@code to} if the table allows the move, else fails: a step that would make a move
     * nobody planned for is a defect, and its transaction is rolled back rather than half-written.
     *
     * @throws IllegalStateException naming the subject and the move
     */
    public static <S extends Enum<S>> S require(String subject, S from, S to) {
        if (!allowed(from, to)) {
            throw new IllegalStateException(subject + " cannot go from " + from + " to " + to + "; allowed from "
                    + from + ": " + table(from).getOrDefault(from, Set.of()));
        }
        return to;
    }

    @SuppressWarnings("unchecked")
    private static <S extends Enum<S>> Map<S, Set<S>> table(S state) {
        Object table;
        if (state instanceof CampaignState) {
            table = CAMPAIGN;
        } else if (state instanceof HostStep) {
            table = HOST;
        } else if (state instanceof MigrationState) {
            table = MIGRATION;
        } else {
            throw new IllegalArgumentException("no transition table for " + state.getClass());
        }
        return (Map<S, Set<S>>) table;
    }
}
