package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.Transitions.HostStep;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;

/** A {@code campaign_host} row: one host's place and state in one campaign. Only {@link CampaignStore} uses it. */
@Entity
@Table(name = "campaign_host")
@IdClass(CampaignHostEntity.Key.class)
public class CampaignHostEntity extends PanacheEntityBase {
    @Id
    @Column(name = "campaign_id")
    public String campaignId;
    @Id
    public String host;
    /** Null while the host is in no batch of the current plan. */
    public Integer batch;
    public boolean canary;
    @Enumerated(EnumType.STRING)
    public HostStep state;
    public String note;

    /** The row's primary key. */
    public record Key(String campaignId, String host) implements Serializable {
    }
}
