package io.migplan.scheduler.plans;

/** An operation that needs a plan still being solved found it finished. Answered 409. */
public class PlanFinishedException extends RuntimeException {
    public PlanFinishedException(String message) {
        super(message);
    }
}
