package io.migplan.scheduler.testsupport;

import io.agroal.api.AgroalDataSource;
import io.migplan.scheduler.snapshot.ClusterSnapshotHolder;
import io.quarkus.arc.Arc;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Direct SQL on the test database: the tests share one application and one database, so
 * each starts from an empty inventory, and counts rows to prove what was (not) written.
 */
public final class Inventory {

    private Inventory() {
    }

    /** Every campaign, every host and, by cascade, everything they hold. */
    public static void clear(AgroalDataSource ds) {
        update(ds, "delete from campaign; delete from host");
    }

    /**
     * Direct SQL bypasses the events that keep the scheduler's in-memory snapshot current, as
     * another replica's writes would; the periodic reconcile then catches up. Tests run it now.
     */
    private static void reconcile() {
        var holder = Arc.container().instance(ClusterSnapshotHolder.class);
        if (holder.isAvailable()) {
            holder.get().reconcile();
        }
    }

    public static long count(AgroalDataSource ds, String table) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rows of every inventory table, for "nothing was written" checks. */
    public static long rows(AgroalDataSource ds) {
        long n = 0;
        for (String t : new String[] {"host", "parent_device", "device_type", "device_instance", "vm", "vm_device",
                "inventory_problem"}) {
            n += count(ds, t);
        }
        return n;
    }

    public static int update(AgroalDataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            int n = s.executeUpdate(sql);
            reconcile();
            return n;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
