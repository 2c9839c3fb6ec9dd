package io.migplan.scheduler.rest;

/** Every error the API returns: a stable code and a sentence, never a stack trace. */
public record ApiError(String code, String message) {
}
