package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.error.Rejection;

/**
 * Where a filter reports a rejection by its code and summary phrase only, for answers that
 * count reasons instead of listing them: no sentence is built. A filter reports here exactly
 * the (code, phrase) pairs its {@link Rejection}s would carry, in the same order.
 */
@FunctionalInterface
public interface Tally {

    /** One reason: its stable code and the phrase it adds to the summary. */
    void add(String code, String phrase);
}
