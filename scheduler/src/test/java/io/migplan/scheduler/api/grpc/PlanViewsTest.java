package io.migplan.scheduler.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.proto.v1.Plan;
import io.migplan.proto.v1.PlanMetrics;
import io.migplan.proto.v1.PlanMigration;
import io.migplan.proto.v1.PlanProgress;
import io.migplan.proto.v1.PlanStatus;
import io.migplan.proto.v1.PlanUnplaced;
import io.migplan.proto.v1.Reason;
import io.migplan.scheduler.evacuation.PlanView;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanViewsTest {

    @Test
    void aSolvedPlanKeepsEveryFieldAndTheOrderOfItsLists() {
        var view = new PlanView("evac-1", io.migplan.scheduler.evacuation.PlanStatus.INFEASIBLE,
                new PlanView.Progress("0hard/-12soft", 840),
                List.of(new PlanView.Migration("vm-1", "uuid-1", "src", "t4-a", "0000:3b:00.0", "nvidia-231", 1),
                        new PlanView.Migration("vm-2", "uuid-2", "src", "t4-b", "0000:3b:00.0,0000:d8:00.0",
                                "nvidia-231,nvidia-231", 2)),
                List.of(new EvacuationPlan.Unplaced("vm-3", "uuid-3", "src", List.of(
                        new io.migplan.scheduler.error.Reason("NO_ELIGIBLE_TARGET", "VM vm-3: no host can take it"),
                        new io.migplan.scheduler.error.Reason("FILTER_DIAGNOSIS", "VM vm-3: 0/1 hosts eligible: 1 no free nvidia-231")))),
                new PlanView.Metrics(3, 2, 1, 2, 3, 812, 0, true), "");

        assertThat(PlanViews.toProto(view)).isEqualTo(Plan.newBuilder().setId("evac-1")
                .setStatus(PlanStatus.PLAN_STATUS_INFEASIBLE)
                .setProgress(PlanProgress.newBuilder().setBestScore("0hard/-12soft").setElapsedMillis(840))
                .addMigrations(PlanMigration.newBuilder().setVm("vm-1").setVmUuid("uuid-1").setFrom("src").setTo("t4-a")
                        .setDevice("0000:3b:00.0").setType("nvidia-231").setWave(1))
                .addMigrations(PlanMigration.newBuilder().setVm("vm-2").setVmUuid("uuid-2").setFrom("src").setTo("t4-b")
                        .setDevice("0000:3b:00.0,0000:d8:00.0").setType("nvidia-231,nvidia-231").setWave(2))
                .addUnplaced(PlanUnplaced.newBuilder().setVm("vm-3").setVmUuid("uuid-3").setFrom("src")
                        .addReasons(Reason.newBuilder().setCode("NO_ELIGIBLE_TARGET")
                                .setMessage("VM vm-3: no host can take it"))
                        .addReasons(Reason.newBuilder().setCode("FILTER_DIAGNOSIS")
                                .setMessage("VM vm-3: 0/1 hosts eligible: 1 no free nvidia-231")))
                .setMetrics(PlanMetrics.newBuilder().setVms(3).setMigrations(2).setUnplaced(1).setWaves(2)
                        .setHostsTouched(3).setSolveMillis(812).setHardViolations(0).setTerminatedEarly(true))
                .build());
    }

    @Test
    void aPlanBeingSolvedHasProgressButNoMetricsAndNullTextReadsEmpty() {
        var view = new PlanView("evac-2", io.migplan.scheduler.evacuation.PlanStatus.SOLVING,
                new PlanView.Progress(null, 120), List.of(), List.of(), null, null);

        Plan plan = PlanViews.toProto(view);

        assertThat(plan.getStatus()).isEqualTo(PlanStatus.PLAN_STATUS_SOLVING);
        assertThat(plan.getProgress().getBestScore()).isEmpty();
        assertThat(plan.getProgress().getElapsedMillis()).isEqualTo(120);
        assertThat(plan.hasMetrics()).isFalse();
        assertThat(plan.getMigrationsList()).isEmpty();
        assertThat(plan.getError()).isEmpty();
    }

    @Test
    void everyStatusHasItsOwnProtoValueWithTheSameName() {
        assertThat(Arrays.stream(io.migplan.scheduler.evacuation.PlanStatus.values()))
                .allSatisfy(s -> assertThat(PlanViews.status(s).name()).isEqualTo("PLAN_STATUS_" + s.name()));
    }
}
