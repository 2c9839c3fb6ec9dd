package io.migplan.scheduler.inventory;

import java.util.List;

/** A report that {@link SnapshotValidator} refused; nothing of it was written. */
public class InvalidReportException extends RuntimeException {
    public InvalidReportException(List<String> findings) {
        super(String.join("; ", findings));
    }
}
