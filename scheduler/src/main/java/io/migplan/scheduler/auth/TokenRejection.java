package io.migplan.scheduler.auth;

import io.quarkus.security.AuthenticationFailedException;
import java.util.Map;

/**
 * A bearer token that was presented and refused, as Quarkus's {@link AuthenticationFailedException}
 * carrying the sentence that says why (expired, bad signature, unknown issuer), for the 401 both APIs answer.
 */
public final class TokenRejection {

    private static final String REASON = "migplan.token-rejected";

    private TokenRejection() {
    }

    public static AuthenticationFailedException of(String why) {
        return new AuthenticationFailedException(why, Map.of(REASON, why));
    }

    /** The sentence of a refusal made by {@link #of}; null for one Quarkus or OIDC made. */
    public static String reason(Throwable e) {
        return e instanceof AuthenticationFailedException a ? a.getAttribute(REASON) : null;
    }
}
