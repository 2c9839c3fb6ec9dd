package io.migplan.scheduler.error;

/** A host, VM, plan or campaign that does not exist; the message names it. */
public class UnknownObjectException extends RefusalException {
    public UnknownObjectException(String message) {
        super(ErrorKind.NOT_FOUND, ErrorKind.NOT_FOUND.name(), message);
    }
}
