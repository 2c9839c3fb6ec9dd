package io.migplan.scheduler.evacuation;

import io.migplan.scheduler.error.ErrorKind;
import io.migplan.scheduler.error.RefusalException;

/** An operation that needs a plan still being solved found it finished. */
public class PlanFinishedException extends RefusalException {
    public PlanFinishedException(String message) {
        super(ErrorKind.CONFLICT, "PLAN_FINISHED", message);
    }
}
