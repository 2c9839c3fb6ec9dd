package io.migplan.scheduler.inventory;

import io.migplan.scheduler.error.ErrorKind;
import io.migplan.scheduler.error.RefusalException;
import java.util.List;

/** A report that {@link SnapshotValidator} refused, with every finding; nothing of it was written. */
public class InvalidReportException extends RefusalException {
    public InvalidReportException(List<String> findings) {
        super(ErrorKind.INVALID_ARGUMENT, ErrorKind.INVALID_ARGUMENT.name(), String.join("; ", findings));
    }
}
