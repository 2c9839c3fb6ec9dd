package io.migplan.scheduler.inventory;

/** A host or VM the caller named is not in the inventory. The message says which. */
public class UnknownObjectException extends RuntimeException {
    public UnknownObjectException(String message) {
        super(message);
    }
}
