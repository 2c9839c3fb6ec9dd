package io.migplan.scheduler.inventory;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/** "VM {@code vm} holds the mdev {@code deviceUuid}" (from its domain XML). */
@Entity
@Table(name = "vm_device")
@IdClass(VmDeviceEntity.Key.class)
public class VmDeviceEntity extends PanacheEntityBase {
    @Id
    public Long vm;
    @Id
    @Column(name = "device_uuid")
    public String deviceUuid;

    /** The composite primary key (vm, device_uuid). */
    public static class Key implements Serializable {
        public Long vm;
        public String deviceUuid;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(vm, k.vm) && Objects.equals(deviceUuid, k.deviceUuid);
        }

        @Override
        public int hashCode() {
            return Objects.hash(vm, deviceUuid);
        }
    }
}
