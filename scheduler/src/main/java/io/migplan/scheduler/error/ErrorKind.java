package io.migplan.scheduler.error;

import io.grpc.Status;

/**
 * What kind of refusal a service gives, and the status each API answers it with: the one table
 * the REST exception mapper and the gRPC calls both read, so the two APIs refuse alike. A kind
 * that says when to retry makes both APIs carry the refusal's delay: HTTP {@code Retry-After}
 * (whole seconds), gRPC a {@code google.rpc.RetryInfo} detail.
 */
public enum ErrorKind {
    /** The request itself is wrong: a field out of its bounds, an unknown host named in it. */
    INVALID_ARGUMENT(400, Status.Code.INVALID_ARGUMENT, false),
    /**
     * The caller did not prove who it is: no bearer token, or one that is expired, malformed or
     * signed by nobody this scheduler trusts; a host agent without its certificate, when TLS is on.
     */
    UNAUTHENTICATED(401, Status.Code.UNAUTHENTICATED, false),
    /**
     * The caller is known, but may not make this call: none of its roles allows it, or a host's
     * agent reports for another host.
     */
    PERMISSION_DENIED(403, Status.Code.PERMISSION_DENIED, false),
    /** What the request names does not exist. */
    NOT_FOUND(404, Status.Code.NOT_FOUND, false),
    /** The request is well formed but does not fit the state of what it names. */
    CONFLICT(409, Status.Code.FAILED_PRECONDITION, false),
    /**
     * The scheduler has no room for the work now (every planning slot and queue place taken);
     * the same request may succeed after the delay the refusal names. Nothing was stored.
     */
    BUSY(429, Status.Code.RESOURCE_EXHAUSTED, true);

    private final int httpStatus;
    private final Status.Code grpcStatus;
    private final boolean saysWhenToRetry;

    ErrorKind(int httpStatus, Status.Code grpcStatus, boolean saysWhenToRetry) {
        this.httpStatus = httpStatus;
        this.grpcStatus = grpcStatus;
        this.saysWhenToRetry = saysWhenToRetry;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public Status.Code grpcStatus() {
        return grpcStatus;
    }

    /** Whether a refusal of this kind carries a delay after which to try again (and only then). */
    public boolean saysWhenToRetry() {
        return saysWhenToRetry;
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
