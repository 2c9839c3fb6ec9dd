package io.migplan.scheduler.error;

/**
 * A {@link Reason} as a placement filter or the planners' capacity ledger gives it, with the
 * short phrase it is counted under across hosts ("no free nvidia-231", "older release"), so a
 * diagnosis can say "31 older release, 6 no free nvidia-231" without comparing sentences.
 */
public record Rejection(String code, String message, String tally) {

    public Reason reason() {
        return new Reason(code, message);
    }
}
