package io.migplan.scheduler.work;

import io.migplan.scheduler.error.ErrorKind;
import io.migplan.scheduler.error.RefusalException;
import java.time.Duration;

/** Every planning slot and every place in the queue is taken: try again after the delay given. */
public class PlanningBusyException extends RefusalException {
    public PlanningBusyException(String message, Duration retryAfter) {
        super(ErrorKind.BUSY, "PLANNING_BUSY", message, retryAfter);
    }
}
