package io.migplan.scheduler.inventory;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A physical device that parents mdevs, on one host. */
@Entity
@Table(name = "parent_device")
public class ParentDeviceEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String host;
    public String address;
    @Column(name = "vendor_id")
    public String vendorId;
    @Column(name = "device_id")
    public String deviceId;
    public String board;
    public String driver;
    @Column(name = "driver_version")
    public String driverVersion;
}
