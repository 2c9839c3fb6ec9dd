package io.migplan.scheduler.compatibility;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.instance;
import static io.migplan.scheduler.testsupport.Snapshots.parent;
import static io.migplan.scheduler.testsupport.Snapshots.report;
import static io.migplan.scheduler.testsupport.Snapshots.type;
import static io.migplan.scheduler.testsupport.Snapshots.vm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.migplan.scheduler.testsupport.FakeAgent;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With tracing on, a report and the probes its background refresh sends are one trace: the
 * report's gRPC server span, the probe calls as client spans under it, and the trace context
 * received by the agent in each call's {@code traceparent} header.
 */
@QuarkusTest
@TestProfile(ReportTraceTest.Tracing.class)
class ReportTraceTest {

    public static class Tracing implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.bsp.schedule.delay", "50ms",
                    "migplan.matrix.refresh-on-report", "true");
        }
    }

    static final String SIG = "nvidia-231/T4/nvidia-550.90.07";
    static final String MDEV = "0a3e1b6c-7d2f-4c1e-9b7a-5f0e2d3c4b02";
    static final String REPORT = "migplan.v1.InventoryService/ReportInventory";
    static final String PROBE = "migplan.v1.AgentService/ProbeCompatibility";

    @Inject
    AgroalDataSource ds;
    @Inject
    InMemorySpanExporter spans;

    SchedulerGrpc grpc;
    FakeAgent source;
    FakeAgent target;

    @BeforeEach
    void setUp() throws Exception {
        Inventory.clear(ds);
        grpc = new SchedulerGrpc();
        source = new FakeAgent().signature("nvidia-231", SIG);
        target = new FakeAgent().signature("nvidia-231", SIG);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        grpc.close();
        source.close();
        target.close();
        Inventory.clear(ds);
    }

    @Test
    void aReportAndTheProbesItFansOutAreOneTrace() {
        grpc.inventory().reportInventory(report(host("trace-src", 1, source.endpoint())
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 7, SIG)))
                .addInstances(instance(MDEV, "nvidia-231", "0000:3b:00.0"))
                .addVms(vm("vm-t", "5d3c8e10-0000-4000-8000-0000000000f1", 4, 8192, MDEV))));
        await("the refresh after the source's report has asked its agent").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50)).until(() -> !source.traceparents().isEmpty());
        spans.reset();

        grpc.inventory().reportInventory(report(host("trace-dst", 1, target.endpoint())
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 8, SIG)))));

        // The agent received a trace context with each call: W3C traceparent 00-<trace id>-<span id>-<flags>.
        await("the target's agent was asked").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> !target.traceparents().isEmpty());
        List<String> received = target.traceparents();
        String trace = received.get(0).split("-")[1];
        assertThat(received).allSatisfy(t -> assertThat(t.split("-")[1]).isEqualTo(trace));

        // That trace is the report's: its server span, and the probe calls as client spans under it.
        List<SpanData> all = await("the report's span and the probes' spans are exported").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50)).until(spans::getFinishedSpanItems, s -> s.stream()
                        .anyMatch(d -> d.getName().equals(REPORT) && d.getTraceId().equals(trace))
                        && s.stream().filter(d -> d.getName().equals(PROBE) && d.getTraceId().equals(trace))
                                .count() >= received.size());
        SpanData report = all.stream().filter(d -> d.getName().equals(REPORT) && d.getTraceId().equals(trace))
                .findFirst().orElseThrow();
        assertThat(report.getKind()).isEqualTo(SpanKind.SERVER);
        List<SpanData> probes = all.stream().filter(d -> d.getName().equals(PROBE) && d.getTraceId().equals(trace))
                .toList();
        assertThat(probes).allSatisfy(p -> {
            assertThat(p.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(p.getParentSpanContext().isValid()).isTrue();
        });
        assertThat(received).allSatisfy(t -> assertThat(probes)
                .anyMatch(p -> t.equals("00-" + trace + "-" + p.getSpanId() + "-01")));
    }
}
