package io.migplan.scheduler.inventory;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Something a host's agent could not read; the rest of that host is still reported. */
@Entity
@Table(name = "inventory_problem")
public class InventoryProblemEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String host;
    public String path;
    public String message;
}
