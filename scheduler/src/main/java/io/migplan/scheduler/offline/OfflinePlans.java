package io.migplan.scheduler.offline;

import io.migplan.scheduler.campaign.CampaignRequest;
import io.migplan.scheduler.campaign.CampaignView;
import io.migplan.scheduler.campaign.OfflineCampaign;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.evacuation.EvacuationRequest;
import io.migplan.scheduler.evacuation.OfflineEvacuation;
import io.migplan.scheduler.evacuation.PlanView;
import io.migplan.scheduler.inventory.AllocationPolicy;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Plans on a fleet file as the scheduler would on the fleet it exported: the snapshot built by
 * {@link FleetRows}, the file's verdicts as the stored ones, the scheduler's settings that shape a
 * plan ({@code migplan.placement.allow-backward}, the central allocation rules, {@code
 * migplan.planning.max-time-limit}), and the planners' own offline entries ({@link
 * OfflineEvacuation}, {@link OfflineCampaign}). Holds one file's snapshot, so several plans may be
 * made from one reading.
 */
public final class OfflinePlans {

    /** The id every offline evacuation plan carries: nothing is stored under it. */
    public static final String EVACUATION_ID = "offline-evacuation";
    /** The id every offline campaign carries. */
    public static final String CAMPAIGN_ID = "offline-campaign";

    /** What of the scheduler's configuration shapes a plan. */
    public record Settings(boolean allowBackward, AllocationPolicy allocation, Duration maxTimeLimit) {

        /** The scheduler's defaults: no backward moves, no central rules, a 600 s limit. */
        public static final Settings DEFAULTS = new Settings(false, AllocationPolicy.NONE, Duration.ofSeconds(600));

        public static Settings of(MigplanConfig config) {
            return new Settings(config.placement().allowBackward(), AllocationPolicy.of(config.allocation()),
                    config.planning().maxTimeLimit());
        }
    }

    private final FleetRows rows;
    private final ClusterSnapshot snapshot;
    private final Map<MatrixKey, StoredVerdict> verdicts;
    private final Settings settings;

    public OfflinePlans(FleetDocument doc, Settings settings) {
        this.rows = new FleetRows(doc);
        this.snapshot = rows.snapshot(settings.allocation());
        this.verdicts = rows.verdicts();
        this.settings = settings;
    }

    /** The snapshot the plans are made on. */
    public ClusterSnapshot snapshot() {
        return snapshot;
    }

    /** An evacuation plan, as {@code GET /api/v1/plans/{id}} shows one. */
    public PlanView evacuate(EvacuationRequest request, Instant now) {
        return OfflineEvacuation.plan(EVACUATION_ID, snapshot, request, settings.allowBackward(),
                keys -> FleetRows.among(verdicts, keys), now);
    }

    /** A dry-run campaign's plan, as {@code GET /api/v1/campaigns/{id}} shows one. */
    public CampaignView campaign(CampaignRequest request, Instant now) {
        return OfflineCampaign.plan(CAMPAIGN_ID, snapshot, request,
                () -> rows.matching(request.selector() == null ? Map.of() : request.selector()),
                keys -> FleetRows.among(verdicts, keys), settings.maxTimeLimit(), now);
    }
}
