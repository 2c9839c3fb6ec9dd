package io.migplan.scheduler.inventory;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An active mdev on one host. */
@Entity
@Table(name = "device_instance")
public class DeviceInstanceEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String host;
    public String uuid;
    @Column(name = "type_id")
    public String typeId;
    public String parent;
}
