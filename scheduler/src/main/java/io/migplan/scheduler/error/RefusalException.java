package io.migplan.scheduler.error;

import jakarta.validation.ConstraintViolationException;
import java.time.Duration;
import java.util.Optional;

/**
 * A refusal a service gives on purpose: a stable code, a sentence naming what was wrong, and the
 * kind that decides each API's status ({@link ErrorKind}). Nothing was changed by the call that
 * threw it. Anything else a call throws is an internal fault.
 */
public class RefusalException extends RuntimeException {

    private final ErrorKind kind;
    private final String code;
    private final Duration retryAfter;

    public RefusalException(ErrorKind kind, String code, String message) {
        this(kind, code, message, null);
    }

    /**
     * A refusal that says when to try again: {@code retryAfter} is required exactly for the
     * kinds that {@linkplain ErrorKind#saysWhenToRetry() say when to retry}.
     */
    public RefusalException(ErrorKind kind, String code, String message, Duration retryAfter) {
        super(message);
        if (kind.saysWhenToRetry() != (retryAfter != null)) {
            throw new IllegalArgumentException("a " + kind + " refusal "
                    + (kind.saysWhenToRetry() ? "needs a" : "takes no") + " retry delay, got " + retryAfter);
        }
        this.kind = kind;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    public ErrorKind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    /** How long the caller should wait before sending the same request again; empty when retrying cannot help. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * What a call threw, as the refusal both APIs answer with; null for an internal fault. A
     * request that broke its record's constraints is an {@link InvalidRequestException} naming
     * each field ({@link Violations}); a broken contract on a method's answer is the scheduler's
     * fault.
     */
    public static RefusalException from(Throwable thrown) {
        if (thrown instanceof RefusalException r) {
            return r;
        }
        if (thrown instanceof ConstraintViolationException c && !Violations.onReturnValue(c.getConstraintViolations())) {
            return new InvalidRequestException(Violations.describe(c.getConstraintViolations()));
        }
        return null;
    }

    /** The refusal as the APIs send it. */
    public Reason reason() {
        return new Reason(code, getMessage());
    }
}
