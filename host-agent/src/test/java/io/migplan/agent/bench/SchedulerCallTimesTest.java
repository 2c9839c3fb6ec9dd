package io.migplan.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SchedulerCallTimesTest {

  private static String scrape(double within20, double within50, double within100, double all, double cancelled, double beats) {
    String m = "method=\"migplan.v1.InventoryService/ReportInventory\"";
    return String.join("\n",
        "# HELP migplan_grpc_calls_seconds gRPC calls to the scheduler, arrival to answer",
        "# TYPE migplan_grpc_calls_seconds histogram",
        "migplan_grpc_calls_seconds_bucket{le=\"0.02\"," + m + ",status=\"OK\"} " + within20,
        "migplan_grpc_calls_seconds_bucket{le=\"0.05\"," + m + ",status=\"OK\"} " + within50,
        "migplan_grpc_calls_seconds_bucket{le=\"0.1\"," + m + ",status=\"OK\"} " + within100,
        "migplan_grpc_calls_seconds_bucket{le=\"+Inf\"," + m + ",status=\"OK\"} " + all,
        // Another status of the same method counts with it.
        "migplan_grpc_calls_seconds_bucket{le=\"0.02\"," + m + ",status=\"CANCELLED\"} 0.0",
        "migplan_grpc_calls_seconds_bucket{le=\"0.05\"," + m + ",status=\"CANCELLED\"} 0.0",
        "migplan_grpc_calls_seconds_bucket{le=\"0.1\"," + m + ",status=\"CANCELLED\"} 0.0",
        "migplan_grpc_calls_seconds_bucket{le=\"+Inf\"," + m + ",status=\"CANCELLED\"} " + cancelled,
        "migplan_grpc_calls_seconds_count{" + m + ",status=\"OK\"} " + all,
        "migplan_grpc_calls_seconds_bucket{le=\"0.02\",method=\"migplan.v1.InventoryService/Heartbeat\",status=\"OK\"} " + beats,
        "migplan_grpc_calls_seconds_bucket{le=\"+Inf\",method=\"migplan.v1.InventoryService/Heartbeat\",status=\"OK\"} " + beats,
        "migplan_reports_seconds_count{outcome=\"applied\"} 7.0");
  }

  @Test
  void theHoldsCallsAreTheDifferenceOfTwoScrapesAndAPercentileIsTheBoundOfItsBucket() {
    SchedulerCallTimes before = SchedulerCallTimes.parse(scrape(50, 90, 95, 100, 0, 10));
    // In the hold: 1,000 more reports (and the one cancelled), 980 within 20 ms, 993 within 50 ms.
    SchedulerCallTimes after = SchedulerCallTimes.parse(scrape(1_030, 1_083, 1_094, 1_100, 1, 510));
    SchedulerCallTimes hold = after.since(before);

    assertThat(hold.calls("ReportInventory")).isEqualTo(1_001);
    assertThat(hold.calls("Heartbeat")).isEqualTo(500);
    assertThat(hold.percentileBoundMs("ReportInventory", 0.50)).isEqualTo(20.0);
    assertThat(hold.percentileBoundMs("ReportInventory", 0.99)).isEqualTo(50.0);
    assertThat(hold.percentileBoundMs("ReportInventory", 0.999)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(hold.shareWithin("ReportInventory", 50)).isEqualTo(993.0 / 1_001);
    assertThat(hold.summary()).containsEntry("ReportInventory",
        "1001 calls; p50 <= 20 ms, p99 <= 50 ms; 99.20% within 50 ms");
  }

  @Test
  void aScrapeWithoutTheSeriesHasNoCalls() {
    SchedulerCallTimes none = SchedulerCallTimes.parse("migplan_reports_seconds_count{outcome=\"applied\"} 7.0\n");
    assertThat(none.calls("ReportInventory")).isZero();
    assertThat(none.percentileBoundMs("ReportInventory", 0.99)).isNaN();
    assertThat(none.summary()).isEmpty();
  }
}
