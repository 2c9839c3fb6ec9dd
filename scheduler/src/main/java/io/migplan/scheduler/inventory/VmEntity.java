package io.migplan.scheduler.inventory;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A running VM on one host. Its mdevs are in {@link VmDeviceEntity}. */
@Entity
@Table(name = "vm")
public class VmEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String host;
    public String name;
    public String uuid;
    public int vcpus;
    @Column(name = "memory_mib")
    public long memoryMib;
    @Column(name = "anti_affinity_group")
    public String antiAffinityGroup;
}
