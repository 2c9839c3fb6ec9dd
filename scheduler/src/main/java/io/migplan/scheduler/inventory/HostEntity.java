package io.migplan.scheduler.inventory;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A host row: its facts from the last applied report, and its liveness. */
@Entity
@Table(name = "host")
public class HostEntity extends PanacheEntityBase {
    @Id
    public String id;
    public String release;
    public int cpus;
    @Column(name = "memory_mib")
    public long memoryMib;
    /** As the agent reported it; null when it did not (see {@link AllocationPolicy}). */
    @Column(name = "cpu_allocation_ratio")
    public Double cpuAllocationRatio;
    @Column(name = "memory_allocation_ratio")
    public Double memoryAllocationRatio;
    @Column(name = "reserved_cpus")
    public int reservedCpus;
    @Column(name = "reserved_memory_mib")
    public long reservedMemoryMib;
    @Column(name = "failure_domain")
    public String failureDomain;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, String> labels;
    @Column(name = "agent_endpoint")
    public String agentEndpoint;
    /** How a libvirt client reaches the host's hypervisor, as its agent reported it; null when it did not. */
    @Column(name = "libvirt_uri")
    public String libvirtUri;
    public long generation;
    @Enumerated(EnumType.STRING)
    public HostState state;
    @Column(name = "last_report_at")
    public Instant lastReportAt;
    @Column(name = "last_heartbeat_at")
    public Instant lastHeartbeatAt;
    @Column(name = "scanned_at")
    public Instant scannedAt;
    @Enumerated(EnumType.STRING)
    @Column(name = "admin_state")
    public AdminState adminState;
    @Column(name = "admin_reason")
    public String adminReason;
}
