package io.migplan.scheduler.error;

import io.grpc.Status;

/**
 * What kind of refusal a service gives, and the status each API answers it with: the one table
 * the REST exception mapper and the gRPC calls both read, so the two APIs refuse alike.
 */
public enum ErrorKind {
    /** The request itself is wrong: a field out of its bounds, an unknown host named in it. */
    INVALID_ARGUMENT(400, Status.Code.INVALID_ARGUMENT),
    /** What the request names does not exist. */
    NOT_FOUND(404, Status.Code.NOT_FOUND),
    /** The request is well formed but does not fit the state of what it names. */
    CONFLICT(409, Status.Code.FAILED_PRECONDITION);

    private final int httpStatus;
    private final Status.Code grpcStatus;

    ErrorKind(int httpStatus, Status.Code grpcStatus) {
        this.httpStatus = httpStatus;
        this.grpcStatus = grpcStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public Status.Code grpcStatus() {
        return grpcStatus;
    }

    /**
     * The sentence for an API whose error has no field of its own for the code (a gRPC status
     * description): the message, led by the code when the code says more than the kind does, as
     * in {@code "CAMPAIGN_ACTIVE: campaign camp-1 is still running ..."}.
     */
    public String describe(String code, String message) {
        return code.equals(name()) ? message : code + ": " + message;
    }
}
