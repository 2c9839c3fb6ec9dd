package io.migplan.cli.executor;

/** A migration or an upgrade that did not happen, with a sentence saying why (reported to the scheduler as is). */
public class ExecutionFailure extends Exception {

    public ExecutionFailure(String message) {
        super(message);
    }

    public ExecutionFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
