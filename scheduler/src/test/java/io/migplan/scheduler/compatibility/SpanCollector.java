package io.migplan.scheduler.compatibility;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The spans of the test application, kept in memory (the OpenTelemetry extension exports to every
 * span exporter bean). Tracing is off in every test but {@link ReportTraceTest}, so this stays empty there.
 */
public class SpanCollector {

    @Produces
    @Singleton
    InMemorySpanExporter spans() {
        return InMemorySpanExporter.create();
    }
}
