package io.migplan.scheduler.auth;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The identity of a token this scheduler signed: its subject and roles. Checking the signature is
 * a few tens of microseconds of CPU and no I/O, so it runs on the calling thread.
 */
@ApplicationScoped
public class LocalTokenIdentityProvider implements IdentityProvider<LocalTokenRequest> {

    @Inject
    LocalTokens tokens;

    @Override
    public Class<LocalTokenRequest> getRequestType() {
        return LocalTokenRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(LocalTokenRequest request, AuthenticationRequestContext context) {
        LocalTokens.Caller caller;
        try {
            caller = tokens.verify(request.token());
        } catch (io.quarkus.security.AuthenticationFailedException e) {
            return Uni.createFrom().failure(e);
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(caller.subject()))
                .addRoles(caller.roles()).build());
    }
}
