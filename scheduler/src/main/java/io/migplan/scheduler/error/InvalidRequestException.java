package io.migplan.scheduler.error;

/** A request that breaks a rule of the API; the message names the field and what is wrong. */
public class InvalidRequestException extends RefusalException {
    public InvalidRequestException(String message) {
        super(ErrorKind.INVALID_ARGUMENT, ErrorKind.INVALID_ARGUMENT.name(), message);
    }
}
