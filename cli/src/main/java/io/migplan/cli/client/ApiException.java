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

    public ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public ApiException(int status, String code, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
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
