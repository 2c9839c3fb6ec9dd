package io.migplan.scheduler.identity;

import io.migplan.identity.PeerIdentity;
import io.migplan.scheduler.error.ErrorKind;
import io.migplan.scheduler.error.RefusalException;
import java.util.Optional;

/**
 * Who may report and beat for a host: with TLS on, only the agent whose certificate names that
 * host, as Kubernetes' NodeRestriction lets a kubelet write only its own Node. The refusal is
 * decided before anything is read or written. Without TLS (a trial, the tests) anyone may, and
 * the scheduler said so in its log at start ({@link SchedulerTls}).
 */
public final class ReportingIdentity {

    /** A report or heartbeat over TLS without a client certificate naming a host. */
    public static final String CERTIFICATE_REQUIRED = "CERTIFICATE_REQUIRED";
    /** A report or heartbeat for a host other than the one the certificate names. */
    public static final String HOST_MISMATCH = "HOST_IDENTITY_MISMATCH";

    private ReportingIdentity() {
    }

    /**
     * Why {@code caller} may not report for {@code hostId}, or empty when it may.
     *
     * @param required whether the scheduler serves TLS and so knows its callers
     * @param caller the identity of the caller's certificate; empty without one
     */
    public static Optional<RefusalException> refusal(boolean required, Optional<PeerIdentity> caller, String hostId) {
        if (!required) {
            return Optional.empty();
        }
        if (caller.isEmpty()) {
            return Optional.of(new RefusalException(ErrorKind.UNAUTHENTICATED, CERTIFICATE_REQUIRED,
                    "a report or heartbeat for host " + hostId + " needs the host's client certificate (naming "
                            + PeerIdentity.HOST_URI_PREFIX + hostId + "); the call came without one, or without TLS"));
        }
        PeerIdentity who = caller.get();
        if (who.isScheduler() || !who.hostId().equals(hostId)) {
            return Optional.of(new RefusalException(ErrorKind.PERMISSION_DENIED, HOST_MISMATCH,
                    "the caller's certificate names " + who + ", which may report and beat only for "
                            + (who.isScheduler() ? "no host" : "host " + who.hostId()) + ", not for host " + hostId
                            + "; nothing was written"));
        }
        return Optional.empty();
    }
}
