package io.migplan.scheduler.campaign;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A {@code campaign_event} row: one line of a campaign's history, read in the order of its
 * {@link #position} (the campaign's commit order; see {@link CampaignStore#event}), not of its
 * {@link #id}, which concurrent transactions may commit out of order.
 */
@Entity
@Table(name = "campaign_event")
public class CampaignEventEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "campaign_id")
    public String campaignId;
    /** 1, 2, 3, ... per campaign, in commit order, without gaps. */
    public long position;
    public Instant at;
    public String kind;
    public String message;
    /** The campaign's state once the event was written; null on events written before it was kept. */
    public String state;
    public String host;
    public String vm;
    @Column(name = "vm_uuid")
    public String vmUuid;
    @Column(name = "migration_id")
    public String migrationId;
    @Column(name = "migration_from")
    public String migrationFrom;
    @Column(name = "migration_to")
    public String migrationTo;
    public Integer batch;
}
