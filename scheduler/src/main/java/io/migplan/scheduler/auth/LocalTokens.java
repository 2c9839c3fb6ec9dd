package io.migplan.scheduler.auth;

import io.migplan.scheduler.error.InvalidRequestException;
import io.migplan.scheduler.error.Texts;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The tokens the scheduler signs itself, for installs without an OpenID Connect issuer: made by
 * {@code token create} and {@code POST /api/v1/tokens}, checked on every call. A token carries its
 * subject, its roles (the {@code groups} claim, as MicroProfile JWT names roles), when it was made
 * and when it expires, and is signed RS256 with {@link SigningKeys}. Plain Java, so the command
 * line makes tokens exactly as the service does without starting it.
 */
public final class LocalTokens {

    /** The {@code iss} of every token this scheduler signs; a token with another issuer goes to OIDC. */
    public static final String ISSUER = "migplan-scheduler";

    /** {@code "iss":"…"} in a token's payload, read before its signature is checked only to choose who checks it. */
    private static final Pattern ISS = Pattern.compile("\"iss\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /**
     * Tokens verified lately, by their exact text, with what they verified to: a dashboard or an
     * orchestrator sends the same token on every call, and checking its signature again costs tens
     * of microseconds and garbage each time. At most {@value #REMEMBERED} are kept; past that the
     * memory starts again empty (a token is only ever verified again, never trusted longer: each
     * entry still ends at its token's expiry).
     */
    static final int REMEMBERED = 4096;

    private final SigningKeys keys;
    private final Duration maxTtl;
    private final DefaultJWTParser parser;
    private final java.util.concurrent.ConcurrentHashMap<String, Verified> verified =
            new java.util.concurrent.ConcurrentHashMap<>();

    private record Verified(Caller caller, long expiresAtSecond) {
    }

    public LocalTokens(SigningKeys keys, Duration maxTtl) {
        this.keys = keys;
        this.maxTtl = maxTtl;
        JWTAuthContextInfo context = new JWTAuthContextInfo(keys.publicKey(), ISSUER);
        context.setSignatureAlgorithm(Set.of(io.smallrye.jwt.algorithm.SignatureAlgorithm.RS256));
        this.parser = new DefaultJWTParser(context);
    }

    /** A token made: the compact JWT, its roles as given (comma-separated), and when it stops being accepted. */
    public record Issued(String token, String subject, String role, Instant expiresAt) {
    }

    /**
     * A token for {@code subject} with {@code role}, valid for {@code ttl} from {@code now}; a role
     * that is not one of {@link Roles#ALL}, a ttl below a second or above {@code migplan.tokens.max-ttl},
     * or a subject that is empty or not plain text is refused naming the field, and nothing is made.
     */
    public Issued issue(String subject, String role, Duration ttl, Instant now) {
        Set<String> known = roles(role);
        if (subject == null || subject.isBlank()) {
            throw new InvalidRequestException("subject is required: who or what will use the token");
        }
        String why = Texts.problem("subject", subject, Texts.MAX_ID);
        if (why != null) {
            throw new InvalidRequestException(why);
        }
        if (ttl == null || ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new InvalidRequestException("ttl must be at least 1s, got " + ttl);
        }
        if (ttl.compareTo(maxTtl) > 0) {
            throw new InvalidRequestException("ttl must be at most " + maxTtl + " (migplan.tokens.max-ttl), got " + ttl);
        }
        Instant expires = now.plus(ttl);
        String token = Jwt.issuer(ISSUER).subject(subject.strip()).upn(subject.strip()).groups(known)
                .issuedAt(now).expiresAt(expires).claim("jti", UUID.randomUUID().toString())
                .jws().keyId(keys.keyId()).sign(keys.privateKey());
        return new Issued(token, subject.strip(), String.join(",", known), expires);
    }

    /**
     * The roles {@code role} names: one of {@link Roles#ALL}, or several separated by commas (a
     * token for {@code migplan host drain}, which creates an evacuation as an operator and drives
     * it as its orchestrator, is made for {@code operator,orchestrator}), in the order given.
     * Anything else is refused naming the field.
     */
    static Set<String> roles(String role) {
        Set<String> known = new java.util.LinkedHashSet<>();
        for (String one : String.valueOf(role).split(",", -1)) {
            String r = Roles.known(one);
            if (r == null || !known.add(r)) {
                throw new InvalidRequestException("role must be one of " + Roles.ALL + ", or several of them"
                        + " separated by commas, got '" + Texts.escaped(String.valueOf(role)) + "'");
            }
        }
        return known;
    }

    /** Whether {@code token} names this scheduler as its issuer (its signature is not checked here). */
    public static boolean claimsToBeOurs(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0 || second - first > 16_384) {
            return false;
        }
        String payload;
        try {
            payload = new String(Base64.getUrlDecoder().decode(token.substring(first + 1, second)),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        Matcher m = ISS.matcher(payload);
        return m.find() && ISSUER.equals(m.group(1));
    }

    /** The verified caller of a token this scheduler signed; refused with the reason when it is not valid now. */
    public Caller verify(String token) {
        long nowSecond = System.currentTimeMillis() / 1000;
        Verified known = verified.get(token);
        if (known != null) {
            if (nowSecond < known.expiresAtSecond()) {
                return known.caller();
            }
            verified.remove(token);
            throw TokenRejection.of("the bearer token is not valid: it has expired");
        }
        JsonWebToken jwt;
        try {
            jwt = parser.parse(token);
        } catch (ParseException e) {
            throw TokenRejection.of("the bearer token is not valid: " + reason(e));
        }
        Set<String> groups = jwt.getGroups();
        Caller caller = new Caller(jwt.getSubject(), groups == null ? Set.of() : Set.copyOf(groups));
        if (verified.size() >= REMEMBERED) {
            verified.clear();
        }
        verified.put(token, new Verified(caller, jwt.getExpirationTime()));
        return caller;
    }

    /** smallrye-jwt's reason, without its key material: an expiry or a bad signature in a few words. */
    private static String reason(ParseException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.contains("expired")) {
                return "it has expired";
            }
            if (m != null && m.toLowerCase(java.util.Locale.ROOT).contains("signature")) {
                return "its signature does not match this scheduler's key";
            }
        }
        return "it is malformed, expired or not signed by this scheduler's key";
    }

    /** Who a verified token speaks for: its subject and the roles it carries. */
    public record Caller(String subject, Set<String> roles) {
    }
}
