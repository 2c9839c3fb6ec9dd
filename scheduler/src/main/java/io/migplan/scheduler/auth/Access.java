package io.migplan.scheduler.auth;

import io.migplan.scheduler.error.ErrorKind;
import io.migplan.scheduler.error.RefusalException;
import io.migplan.scheduler.error.Texts;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an operation declares about who may call it, read from its method (REST resource method or
 * gRPC service method), and the refusals both APIs answer with when the caller does not fit: 401
 * {@code UNAUTHENTICATED} without a valid token, 403 {@code PERMISSION_DENIED} with the wrong role.
 */
public final class Access {

    /** How the role table shows an operation of {@link HostIdentity}. */
    public static final String HOST_IDENTITY = "host identity (client certificate)";

    private Access() {
    }

    /** The roles that may call {@code method} ({@code @RolesAllowed} on it, else on its class); empty when it declares none. */
    public static Optional<Set<String>> roles(Method method) {
        RolesAllowed allowed = method.getAnnotation(RolesAllowed.class);
        if (allowed == null && method.getAnnotation(PermitAll.class) == null) {
            allowed = method.getDeclaringClass().getAnnotation(RolesAllowed.class);
        }
        return allowed == null ? Optional.empty() : Optional.of(Set.of(allowed.value()));
    }

    /** Whether {@code method} is called by host agents under their certificate's identity ({@link HostIdentity}). */
    public static boolean hostIdentity(Method method) {
        return method.isAnnotationPresent(HostIdentity.class);
    }

    /** What the role table says of {@code method}: its roles with admin, the host identity, or empty when undeclared. */
    public static Optional<String> declared(Method method) {
        if (hostIdentity(method)) {
            return Optional.of(HOST_IDENTITY);
        }
        return roles(method).map(Access::phrase);
    }

    /**
     * The roles whose tokens may make a call declared for {@code allowed}, inheritance included, in
     * {@link Roles#ALL}'s order: "operator or admin", "viewer, operator, orchestrator or admin".
     */
    public static String phrase(Set<String> allowed) {
        Set<String> all = new LinkedHashSet<>();
        Roles.ALL.stream().filter(r -> Roles.permits(Set.of(r), allowed)).forEach(all::add);
        allowed.stream().filter(r -> !Roles.ALL.contains(r)).sorted().forEach(all::add);
        List<String> names = List.copyOf(all);
        return names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    /** 401: no bearer token came with a call that needs one. */
    public static RefusalException noToken(String operation, Set<String> allowed) {
        return new RefusalException(ErrorKind.UNAUTHENTICATED, ErrorKind.UNAUTHENTICATED.name(),
                operation + " needs a bearer token (Authorization: Bearer <token>) with the role " + phrase(allowed)
                        + "; make one with 'token create' or get one from the OpenID Connect issuer");
    }

    /** 401: a token came and was refused; {@code why} says why (expired, bad signature, unknown issuer). */
    public static RefusalException rejected(String why) {
        return new RefusalException(ErrorKind.UNAUTHENTICATED, ErrorKind.UNAUTHENTICATED.name(),
                why == null || why.isBlank() ? "the bearer token is not valid: it is malformed, expired or not signed"
                        + " by a key this scheduler trusts" : why);
    }

    /** 403: the caller is known but holds none of the roles the operation allows. */
    public static RefusalException forbidden(String subject, Set<String> held, String operation, Set<String> allowed) {
        String who = subject == null ? "the caller's token"
                : "'" + Texts.escaped(subject) + "' (roles " + held.stream().filter(r -> !r.isBlank())
                        .collect(Collectors.toCollection(java.util.TreeSet::new)) + ")";
        return new RefusalException(ErrorKind.PERMISSION_DENIED, ErrorKind.PERMISSION_DENIED.name(),
                who + " may not call " + operation + ": it needs the role " + phrase(allowed));
    }
}
