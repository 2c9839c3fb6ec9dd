package io.migplan.scheduler.inventory;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

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
    /** SR-IOV: the physical GPU this VF belongs to; empty otherwise. */
    @Column(name = "physical_function")
    public String physicalFunction;
    /** MDEV or NVIDIA_VGPU (vGPU 17+ without mdev). */
    public String kind;
    /** The agent's capacity model in protobuf JSON form (see {@link CapacityJson}). */
    @JdbcTypeCode(SqlTypes.JSON)
    public String capacity;
}
