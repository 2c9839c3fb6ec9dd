package io.migplan.scheduler.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A bearer token that names this scheduler as its issuer, to be checked by {@link LocalTokenIdentityProvider}. */
public class LocalTokenRequest extends BaseAuthenticationRequest {

    private final String token;

    public LocalTokenRequest(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }
}
