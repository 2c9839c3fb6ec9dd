package io.migplan.scheduler.evacuation.planner;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a test of one constraint, penalized or not, so the coverage guard can count them. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface VerifiesConstraint {

    /** A {@link ConstraintIds} constant. */
    String value();

    boolean penalized();
}
