package io.migplan.scheduler.auth;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Who a REST or gRPC call comes from (both arrive on the one HTTP port): the {@code Authorization:
 * Bearer …} header. A token naming this scheduler as issuer is checked here against its own key
 * ({@link LocalTokenIdentityProvider}); any other token is left to quarkus-oidc's mechanism and
 * the configured issuer, which runs after this one, or refused when no issuer is configured. A call
 * without a bearer token stays anonymous: the operation's role then refuses it with 401.
 */
@ApplicationScoped
public class BearerTokens implements HttpAuthenticationMechanism {

    private static final String BEARER = "bearer ";

    /** Quarkus's own switch of the OIDC issuer (off unless configured: see application.properties). */
    @ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "true")
    boolean oidcEnabled;

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String token = token(context.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (token == null) {
            return Uni.createFrom().nullItem();
        }
        if (LocalTokens.claimsToBeOurs(token)) {
            return identities.authenticate(new LocalTokenRequest(token));
        }
        if (oidcEnabled) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().failure(TokenRejection.of("the bearer token was not made by this scheduler"
                + " (its issuer is not " + LocalTokens.ISSUER + ") and no OpenID Connect issuer is configured"
                + " (quarkus.oidc.auth-server-url)"));
    }

    /** The token of an {@code Authorization: Bearer <token>} header; null for no header or another scheme. */
    static String token(String header) {
        if (header == null || header.length() <= BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = header.substring(BEARER.length()).strip();
        return token.isEmpty() ? null : token;
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(LocalTokenRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, "bearer"));
    }

    /** Before quarkus-oidc's mechanism (the default priority), so it sees only tokens of other issuers. */
    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 100;
    }
}
