package io.migplan.scheduler.api.grpc;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.StatusRuntimeException;
import io.migplan.scheduler.audit.RefusedCalls;
import io.migplan.scheduler.auth.Access;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.auth.TokenRejection;
import io.migplan.scheduler.error.RefusalException;
import io.quarkus.grpc.auth.AuthExceptionHandler;
import io.quarkus.grpc.auth.AuthExceptionHandlerProvider;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import jakarta.inject.Singleton;

/**
 * gRPC's answer when Quarkus refuses a call for its token or role: {@code UNAUTHENTICATED} or
 * {@code PERMISSION_DENIED} with the sentence and {@code ErrorInfo} the REST API's 401 and 403
 * carry ({@link Access}), in place of Quarkus's bare status. A refused call of a method that
 * changes state goes to the audit ({@link RefusedCalls}).
 */
@Singleton
public class GrpcAccessRefusals implements AuthExceptionHandlerProvider {

    @Inject
    GrpcRoles roles;
    @Inject
    RefusedCalls refusedCalls;
    @Inject
    SecurityIdentity identity;

    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 1;
    }

    @Override
    public <ReqT, RespT> AuthExceptionHandler<ReqT, RespT> createHandler(ServerCall.Listener<ReqT> listener,
            ServerCall<ReqT, RespT> call, Metadata metadata) {
        return new AuthExceptionHandler<>(listener, call, metadata) {
            @Override
            protected void handleException(Throwable e, ServerCall<ReqT, RespT> serverCall, Metadata trailers) {
                RefusalException refusal = refusal(e, serverCall.getMethodDescriptor().getFullMethodName());
                if (refusal == null) {
                    super.handleException(e, serverCall, trailers);
                    return;
                }
                audit(e, serverCall, refusal);
                StatusRuntimeException status = GrpcCalls.refusal(refusal);
                serverCall.close(status.getStatus(), status.getTrailers());
            }
        };
    }

    private void audit(Throwable e, ServerCall<?, ?> call, RefusalException refusal) {
        GrpcRoles.Declared declared = roles.of(call.getMethodDescriptor().getFullMethodName());
        SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        String source = peer instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : null;
        String subject = null;
        String given = null;
        if (e instanceof ForbiddenException) {
            try {
                if (!identity.isAnonymous()) {
                    subject = identity.getPrincipal().getName();
                    given = String.join(",", new java.util.TreeSet<>(Roles.given(identity.getRoles())));
                }
            } catch (ContextNotActiveException | IllegalStateException unknown) {
                // the caller's identity is not at hand on this thread: recorded without it
            }
        }
        refusedCalls.refused(declared.type(), declared.method(), source, subject, given, "", refusal);
    }

    RefusalException refusal(Throwable e, String fullMethodName) {
        GrpcRoles.Declared declared = roles.of(fullMethodName);
        if (e instanceof UnauthorizedException) {
            return Access.noToken(fullMethodName, declared.roles());
        }
        if (e instanceof AuthenticationFailedException) {
            return Access.rejected(TokenRejection.reason(e));
        }
        if (e instanceof ForbiddenException) {
            return Access.forbidden(null, java.util.Set.of(), fullMethodName, declared.roles());
        }
        return null;
    }
}
