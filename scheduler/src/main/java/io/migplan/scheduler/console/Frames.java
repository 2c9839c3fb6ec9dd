package io.migplan.scheduler.console;

import io.migplan.scheduler.auth.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.http.Cookie;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.TreeSet;

/** Makes the {@link Frame} of the current console request from its identity and session cookie. */
@RequestScoped
public class Frames {

    @Inject
    SecurityIdentity identity;
    @Inject
    ConsoleSession session;
    @Inject
    CurrentVertxRequest request;

    /** The frame of a page titled {@code title} under the navigation entry {@code section}. */
    public Frame of(String title, String section) {
        if (identity.isAnonymous()) {
            return new Frame(title, section, null, "", false, "");
        }
        Cookie cookie = request.getCurrent() == null ? null
                : request.getCurrent().request().getCookie(ConsoleSession.COOKIE);
        String csrf = cookie == null || cookie.getValue().isEmpty() ? "" : session.csrf(cookie.getValue());
        return new Frame(title, section, identity.getPrincipal().getName(),
                String.join(",", new TreeSet<>(Roles.given(identity.getRoles()))), mayAct(identity.getRoles()), csrf);
    }

    /** Whether a caller holding {@code roles} may use the console's state-changing controls. */
    public static boolean mayAct(Set<String> roles) {
        return Roles.permits(roles, Set.of(Roles.OPERATOR));
    }
}
