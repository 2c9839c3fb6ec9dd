package io.migplan.scheduler.console;

import io.migplan.scheduler.auth.LocalTokenRequest;
import io.migplan.scheduler.auth.LocalTokens;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Who a console request comes from: the token in its {@link ConsoleSession#COOKIE} cookie, checked
 * by the same identity provider as a bearer token ({@code auth.LocalTokenIdentityProvider}). Only on
 * {@code /console} paths, and only when the request carries no {@code Authorization} header (that
 * one is {@code auth.BearerTokens}'s): the API never takes a cookie, so no page of any site can call
 * it with a browser's session. A cookie whose token is no longer valid (expired, another key) leaves
 * the request anonymous, and the page then asks to sign in again.
 */
@ApplicationScoped
public class ConsoleCookies implements HttpAuthenticationMechanism {

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String token = sessionToken(context);
        if (token == null || context.request().getHeader(HttpHeaders.AUTHORIZATION) != null) {
            return Uni.createFrom().nullItem();
        }
        return identities.authenticate(new LocalTokenRequest(token)).onFailure().recoverWithNull();
    }

    /** The session's token of a console request; null off the console, without the cookie or with a foreign token. */
    static String sessionToken(RoutingContext context) {
        if (!ConsolePaths.isConsole(context.normalizedPath())) {
            return null;
        }
        Cookie cookie = context.request().getCookie(ConsoleSession.COOKIE);
        String token = cookie == null ? null : cookie.getValue();
        return token == null || token.isEmpty() || !LocalTokens.claimsToBeOurs(token) ? null : token;
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        // Off the console, the API's own challenge (auth.BearerTokens), whichever mechanism is asked.
        return Uni.createFrom().item(ConsolePaths.isConsole(context.normalizedPath())
                ? new ChallengeData(303, "Location", ConsolePaths.LOGIN)
                : new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(LocalTokenRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.COOKIE, ConsoleSession.COOKIE));
    }
}
