package io.migplan.scheduler.campaign;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A {@code campaign_event} row: one line of a campaign's history, read in the order written ({@link #id}). */
@Entity
@Table(name = "campaign_event")
public class CampaignEventEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "campaign_id")
    public String campaignId;
    public Instant at;
    public String kind;
    public String message;
}
