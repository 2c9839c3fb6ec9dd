package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.Transitions.CampaignState;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Basic;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A {@code campaign} row. Only {@link CampaignStore} reads and writes it; the rest of the code sees
 * {@link CampaignStore.CampaignRow}. A state text the enum does not know fails the read.
 */
@Entity
@Table(name = "campaign")
public class CampaignEntity extends PanacheEntityBase {
    @Id
    public String id;
    @Enumerated(EnumType.STRING)
    public CampaignState state;
    @Column(name = "from_release")
    public String fromRelease;
    @Column(name = "to_release")
    public String toRelease;
    @Enumerated(EnumType.STRING)
    public CampaignKind kind = CampaignKind.UPGRADE;
    /** Why the operator asked for it; empty when no reason was given. */
    public String reason = "";
    /**
     * The resolved settings as JSON text. The store reads it leniently ({@code StoredJson}): a
     * field a later version dropped must not make an old campaign unreadable, which a typed
     * mapping through Hibernate's JSON mapper would.
     */
    @JdbcTypeCode(SqlTypes.JSON)
    public String request;
    /**
     * The latest plan's document as JSON text; the store hands it on as it is, to a view only
     * ({@code CampaignStore#plan}). Lazy: every step locks and reads the row, and the document
     * grows with the fleet (megabytes at thousands of hosts).
     */
    @Basic(fetch = FetchType.LAZY)
    @JdbcTypeCode(SqlTypes.JSON)
    public String plan;
    @Column(name = "replan_reason")
    public String replanReason;
    @Column(name = "plan_version")
    public int planVersion;
    @Column(name = "lease_holder")
    public String leaseHolder;
    @Column(name = "lease_expires_at")
    public Instant leaseExpiresAt;
    public String failure;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
