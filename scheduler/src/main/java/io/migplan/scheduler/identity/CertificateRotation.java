package io.migplan.scheduler.identity;

import io.migplan.identity.FileStamps;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Rotation of the scheduler's certificate, key and CA without a restart, done only when their
 * files change. Every {@code migplan.tls.check-every} it looks at the files behind the TLS
 * registry's default configuration ({@link FileStamps}); when one changed, it re-reads them, checks
 * them as at the start ({@link SchedulerTls#verified}) and fires the {@link CertificateUpdatedEvent}
 * on which the HTTP server (REST and gRPC) and the channels to agents take them.
 *
 * <p>Why not the registry's own {@code quarkus.tls.reload-period}: it re-reads and re-serves the
 * files at every period whether they changed or not, and each time the server swaps its TLS context
 * (Vert.x's {@code TCPServerBase.updateSSLOptions}) a connection accepted meanwhile fails with a
 * NullPointerException, so an agent connecting then lost its report. Here that window opens only
 * when a certificate is really replaced. Files that are half replaced (a new certificate with the
 * old key) or name another identity are refused with a WARN saying why, the previous ones stay
 * served, and they are tried again at the next look.
 */
@ApplicationScoped
public class CertificateRotation {

    private static final Logger LOG = Logger.getLogger(CertificateRotation.class);

    /** What one look found. */
    public enum Outcome {
        /** No TLS configured: nothing to rotate. */
        OFF,
        UNCHANGED,
        /** Changed files, checked and now served. */
        RELOADED,
        /** Changed files that cannot be served; the previous ones still are. */
        REFUSED
    }

    @Inject
    TlsConfigurationRegistry registry;
    @Inject
    SchedulerTls tls;
    @Inject
    Event<CertificateUpdatedEvent> updated;
    @Inject
    Config config;

    private List<Path> files = List.of();
    /** The files as they were when last served; null while TLS is off. */
    private FileStamps served;

    synchronized void onStart(@Observes StartupEvent event) {
        if (!tls.enabled()) {
            return;
        }
        files = files(config);
        served = FileStamps.of(files);
        config.getOptionalValue("quarkus.tls.reload-period", String.class).ifPresent(p -> LOG.warnf(
                "quarkus.tls.reload-period=%s re-serves the certificate files every period even when unchanged, and an"
                        + " agent connecting while the server swaps its TLS context is dropped; remove it:"
                        + " migplan.tls.check-every reloads changed files only", p));
    }

    /** Every {@link io.migplan.scheduler.config.MigplanConfig.Tls#checkEvery()}. */
    @Scheduled(identity = "tls-rotation", every = "${migplan.tls.check-every}",
            skipExecutionIf = Scheduled.ApplicationNotRunning.class,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledCheck() {
        check();
    }

    /** Looks at the files once, and serves them if they changed and pass the checks. */
    public synchronized Outcome check() {
        if (served == null) {
            return Outcome.OFF;
        }
        FileStamps now = FileStamps.of(files);
        if (now.equals(served)) {
            return Outcome.UNCHANGED;
        }
        Optional<TlsConfiguration> current = registry.getDefault();
        if (current.isEmpty()) {
            return Outcome.OFF;
        }
        TlsConfiguration c = current.get();
        try {
            if (!c.reload()) {
                LOG.warnf("the TLS files changed (%s) but could not be re-read; the previous ones stay served", now);
                return Outcome.REFUSED;
            }
            tls.verified(c);
        } catch (RuntimeException e) {
            LOG.warnf("the TLS files changed but are not served: %s. The previous ones stay served; they are looked at"
                    + " again every migplan.tls.check-every", e.getMessage());
            return Outcome.REFUSED;
        }
        // The HTTP server and SchedulerTls take them on this event; if one of them fails, the next
        // look tries again (the files still differ from those served).
        updated.fire(new CertificateUpdatedEvent(c.getName(), c));
        served = now;
        LOG.infof("TLS certificate, key and CA re-read from changed files and served to new connections");
        return Outcome.RELOADED;
    }

    /**
     * The files of the registry's default configuration: every {@code quarkus.tls.key-store.*} and
     * {@code quarkus.tls.trust-store.*} value naming a file ({@code cert}, {@code key}, {@code certs},
     * {@code path}; lists are comma-separated). Named configurations ({@code quarkus.tls.<name>.*}) are
     * not the one the scheduler serves.
     */
    static List<Path> files(Config config) {
        List<Path> out = new ArrayList<>();
        for (String name : StreamSupport.stream(config.getPropertyNames().spliterator(), false).sorted().toList()) {
            boolean ours = name.startsWith("quarkus.tls.key-store.") || name.startsWith("quarkus.tls.trust-store.");
            boolean file = name.endsWith(".cert") || name.endsWith(".key") || name.endsWith(".certs")
                    || name.endsWith(".path");
            if (ours && file) {
                config.getOptionalValue(name, String.class).ifPresent(v -> {
                    for (String each : v.split(",")) {
                        if (!each.isBlank()) {
                            out.add(Path.of(each.trim()));
                        }
                    }
                });
            }
        }
        return List.copyOf(out);
    }
}
