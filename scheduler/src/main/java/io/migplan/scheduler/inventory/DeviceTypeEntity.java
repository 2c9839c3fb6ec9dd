package io.migplan.scheduler.inventory;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One mdev type on one parent of one host, with what is free there. */
@Entity
@Table(name = "device_type")
public class DeviceTypeEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String host;
    public String parent;
    @Column(name = "type_id")
    public String typeId;
    public String name;
    public String description;
    @Column(name = "device_api")
    public String deviceApi;
    @Column(name = "available_instances")
    public int availableInstances;
    public String signature;
    /** VERSION_ATTRIBUTE, DERIVED or UNSPECIFIED (the proto enum without its prefix). */
    @Column(name = "signature_source")
    public String signatureSource;
    /** Parsed description fields, e.g. framebuffer_mib, max_instance; low_gm_mib, fences. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, String> attributes;
    /** Every attribute file as the agent read it. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, String> raw;
}
