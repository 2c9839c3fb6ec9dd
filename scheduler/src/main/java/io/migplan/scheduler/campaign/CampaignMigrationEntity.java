package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.Transitions.MigrationState;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A {@code campaign_migration} row: one VM's move in one plan version of a campaign. Only
 * {@link CampaignStore} uses it; the rest of the code sees {@link CampaignStore.MigrationRow}.
 */
@Entity
@Table(name = "campaign_migration")
public class CampaignMigrationEntity extends PanacheEntityBase {
    @Id
    public String id;
    @Column(name = "campaign_id")
    public String campaignId;
    @Column(name = "plan_version")
    public int planVersion;
    public int batch;
    public int wave;
    /** The VM's name, for display; {@link #vmUuid} is its identity. */
    public String vm;
    @Column(name = "vm_uuid")
    public String vmUuid;
    @Column(name = "from_host")
    public String fromHost;
    @Column(name = "to_host")
    public String toHost;
    /** The parent device of each of the VM's mdevs on the target, in the order of {@link #types}. */
    @JdbcTypeCode(SqlTypes.JSON)
    public List<String> parents;
    @JdbcTypeCode(SqlTypes.JSON)
    public List<String> types;
    @Enumerated(EnumType.STRING)
    public MigrationState state;
    /** PROBED, LEARNED, ASSUMED or NOT_NEEDED (the table checks it). */
    public String basis;
    /** Ids of the slot reservations claimed for it on its target. */
    @JdbcTypeCode(SqlTypes.JSON)
    public List<Long> reservations;
    public boolean settled;
    public String error;
    @Column(name = "issued_at")
    public Instant issuedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
    @Column(name = "deadline_at")
    public Instant deadlineAt;
    @Column(name = "issued_to")
    public String issuedTo;
}
