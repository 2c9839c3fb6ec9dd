package io.migplan.scheduler.console;

import io.migplan.scheduler.auth.LocalTokens;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.auth.SigningKeys;
import io.migplan.scheduler.auth.TokenRejection;
import io.migplan.scheduler.config.MigplanConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.NewCookie;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A browser's console session: the bearer token it signed in with, kept in a cookie the page's
 * scripts cannot read (HttpOnly), that no other site's page makes the browser send (SameSite=Strict),
 * only over HTTPS when the console is served so (Secure), for {@code /console} paths only; and the
 * session's CSRF token, which pages carry in a meta tag and send back in the {@value #CSRF_HEADER}
 * header of every state-changing request ({@link ConsoleCsrf} compares).
 *
 * <p>The CSRF token is an HMAC of the session's token under a key derived from the scheduler's
 * token signing key: nothing is stored per session, replicas sharing the key agree, and a page
 * of another site can neither read the cookie nor compute the HMAC. The session ends when its token
 * expires or at logout; nothing here lengthens a token's life.
 *
 * <p>Which tokens sign in: those this scheduler signed ({@code token create}, {@code POST
 * /api/v1/tokens}), checked by {@link LocalTokens#verify} as on every API call, and only with a
 * role that may read ({@link Roles#VIEWER} or one that implies it).
 */
@ApplicationScoped
public class ConsoleSession {

    /** The session cookie's name. */
    public static final String COOKIE = "migplan_console";
    /** The request header carrying the CSRF token. */
    public static final String CSRF_HEADER = "X-Migplan-Csrf";

    @Inject
    LocalTokens tokens;
    @Inject
    MigplanConfig config;

    private volatile SecretKeySpec csrfKey;

    /** Who a pasted token signs in as; refused with a sentence when it may not. */
    public LocalTokens.Caller check(String token) {
        String t = token == null ? "" : token.strip();
        if (t.isEmpty()) {
            throw TokenRejection.of("paste a token: make one with 'token create' (the demo prints them)");
        }
        if (t.length() > 16_384 || !LocalTokens.claimsToBeOurs(t)) {
            throw TokenRejection.of("this is not a token this scheduler made: make one with"
                    + " 'token create' or POST /api/v1/tokens");
        }
        LocalTokens.Caller caller = tokens.verify(t);
        if (!Roles.permits(caller.roles(), Set.of(Roles.VIEWER))) {
            throw TokenRejection.of("'" + caller.subject() + "' holds no role that may read the"
                    + " fleet (viewer, operator, orchestrator or admin)");
        }
        return caller;
    }

    /**
     * The cookie that keeps {@code token} for the console: a browser-session cookie (gone when the
     * browser closes); the token's own expiry ends it sooner, as every call checks the token.
     */
    public static NewCookie cookie(String token, boolean secure) {
        return new NewCookie.Builder(COOKIE).value(token).path(ConsolePaths.ROOT).httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.STRICT).build();
    }

    /** The cookie that ends the session: empty, expired at once. */
    public static NewCookie cleared(boolean secure) {
        return new NewCookie.Builder(COOKIE).value("").path(ConsolePaths.ROOT).httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.STRICT).maxAge(0).build();
    }

    /** The CSRF token of the session whose cookie holds {@code sessionToken}. */
    public String csrf(String sessionToken) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key());
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(sessionToken.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Whether {@code presented} is the CSRF token of {@code sessionToken}, compared in constant time. */
    public boolean csrfMatches(String sessionToken, String presented) {
        if (sessionToken == null || sessionToken.isEmpty() || presented == null || presented.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(csrf(sessionToken).getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }

    private SecretKeySpec key() throws GeneralSecurityException {
        SecretKeySpec k = csrfKey;
        if (k == null) {
            // Derived, not the signing key itself: a CSRF token reveals nothing usable against tokens.
            SigningKeys keys = SigningKeys.loadOrCreate(Path.of(config.tokens().keyDir()));
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("migplan console csrf\0".getBytes(StandardCharsets.US_ASCII));
            sha.update(keys.privateKey().getEncoded());
            k = new SecretKeySpec(sha.digest(), "HmacSHA256");
            csrfKey = k;
        }
        return k;
    }
}
