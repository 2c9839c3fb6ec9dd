package io.migplan.scheduler.identity;

import io.quarkus.tls.CertificateUpdatedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the TLS registry's certificate updates, which make the HTTP server swap its TLS context. */
@ApplicationScoped
public class CertificateUpdates {

    private final AtomicInteger count = new AtomicInteger();

    void on(@Observes CertificateUpdatedEvent event) {
        count.incrementAndGet();
    }

    public int count() {
        return count.get();
    }
}
