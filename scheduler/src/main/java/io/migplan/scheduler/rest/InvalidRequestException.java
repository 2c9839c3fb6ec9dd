package io.migplan.scheduler.rest;

/** A request whose content is wrong; the message names the field and what is allowed. Answered 400. */
public class InvalidRequestException extends RuntimeException {
    public InvalidRequestException(String message) {
        super(message);
    }
}
