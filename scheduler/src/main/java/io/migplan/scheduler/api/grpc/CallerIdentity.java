package io.migplan.scheduler.api.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.migplan.identity.PeerIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Reads who is calling from the TLS session of the call's connection (the Vert.x gRPC server
 * hands it over as {@link Grpc#TRANSPORT_ATTR_SSL_SESSION}) and keeps it in the call's gRPC
 * context, where {@link #current()} finds it on whatever thread the call runs. It decides
 * nothing: the service asks {@code ReportingIdentity} whether that caller may do what it asks.
 */
@ApplicationScoped
public class CallerIdentity implements ServerInterceptor {

    private static final Context.Key<Optional<PeerIdentity>> CALLER = Context.key("migplan-caller-identity");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        Optional<PeerIdentity> caller = PeerIdentity.of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
    }

    /** The identity of the current call's client certificate; empty without one (or outside a call). */
    static Optional<PeerIdentity> current() {
        Optional<PeerIdentity> caller = CALLER.get();
        return caller == null ? Optional.empty() : caller;
    }
}
