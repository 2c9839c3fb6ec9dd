package io.migplan.cli.client;

/**
 * A call to the scheduler that did not succeed: the server's refusal as it sent it
 * ({@code {code, message}} and the HTTP status), or no answer at all ({@link #UNREACHABLE},
 * status 0), or an answer the client will not take ({@link #BAD_RESPONSE}, status 0 too but not
 * an outage). {@link io.migplan.cli.ExitCode#of} turns it into an exit status.
 */
public class ApiException extends RuntimeException {

    /** No answer: connection refused, timed out, TLS handshake failed. */
    public static final String UNREACHABLE = "UNREACHABLE";
    /** An answer larger than the client accepts, or not the JSON the API promises. */
    public static final String BAD_RESPONSE = "BAD_RESPONSE";

    private final int status;
    private final String code;
    private final java.time.Duration retryAfter;

    public ApiException(int status, String code, String message) {
        this(status, code, message, (java.time.Duration) null);
    }

    /** A refusal that says when to try again (HTTP {@code Retry-After}); null when it does not. */
    public ApiException(int status, String code, String message, java.time.Duration retryAfter) {
        super(message);
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    public ApiException(int status, String code, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
        this.retryAfter = null;
    }

    /** How long the server asked the caller to wait before trying again ({@code Retry-After}); null when it did not say. */
    public java.time.Duration retryAfter() {
        return retryAfter;
    }

    /** The HTTP status; 0 when there was no usable answer. */
    public int status() {
        return status;
    }

    /** The server's error code ({@code NOT_FOUND}, {@code LEASE_HELD}, …) or one of this class's. */
    public String code() {
        return code;
    }

    /** One line for a person: the code and the server's sentence. */
    public String describe() {
        String prefix = status == 0 ? code : code + " (HTTP " + status + ")";
        return prefix + ": " + getMessage();
    }
}
