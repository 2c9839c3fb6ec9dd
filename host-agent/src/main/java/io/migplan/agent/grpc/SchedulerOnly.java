package io.migplan.agent.grpc;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.migplan.identity.PeerIdentity;
import java.util.Optional;

/**
 * Lets through only calls whose TLS peer is the scheduler ({@code spiffe://migplan/scheduler}):
 * another host's agent, or anyone else holding a certificate of the CA, is refused with {@code
 * PERMISSION_DENIED} and a sentence naming who called. A caller without a certificate never gets
 * this far (the server requires one in the handshake).
 */
final class SchedulerOnly implements ServerInterceptor {

  private final String hostId;

  SchedulerOnly(String hostId) {
    this.hostId = hostId;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Optional<PeerIdentity> caller = PeerIdentity.of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    if (caller.filter(PeerIdentity::isScheduler).isPresent()) {
      return next.startCall(call, headers);
    }
    call.close(Status.PERMISSION_DENIED.withDescription("host " + hostId + "'s agent answers only the scheduler; the caller's"
        + " certificate names " + caller.map(PeerIdentity::toString).orElse("no migplan identity")), new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
