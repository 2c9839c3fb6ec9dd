package io.migplan.scheduler.api.grpc;

import io.migplan.proto.v1.Plan;
import io.migplan.proto.v1.PlanMetrics;
import io.migplan.proto.v1.PlanMigration;
import io.migplan.proto.v1.PlanProgress;
import io.migplan.proto.v1.PlanStatus;
import io.migplan.proto.v1.PlanUnplaced;
import io.migplan.proto.v1.Reason;
import io.migplan.scheduler.evacuation.PlanView;

/**
 * A {@link PlanView} as the gRPC contract's {@link Plan}, field for field and in the same order,
 * so both APIs show one plan identically. It decides nothing about the plan itself: absent
 * parts (metrics while solving) stay absent, and null strings become proto3's empty string.
 */
final class PlanViews {

    private PlanViews() {
    }

    static Plan toProto(PlanView v) {
        var b = Plan.newBuilder().setId(text(v.id())).setStatus(status(v.status())).setError(text(v.error()));
        if (v.progress() != null) {
            b.setProgress(PlanProgress.newBuilder().setBestScore(text(v.progress().bestScore()))
                    .setElapsedMillis(v.progress().elapsedMillis()));
        }
        if (v.migrations() != null) {
            v.migrations().forEach(m -> b.addMigrations(PlanMigration.newBuilder().setVm(text(m.vm()))
                    .setVmUuid(text(m.vmUuid())).setFrom(text(m.from())).setTo(text(m.to())).setDevice(text(m.device())).setType(text(m.type()))
                    .setWave(m.wave())));
        }
        if (v.unplaced() != null) {
            v.unplaced().forEach(u -> {
                var ub = PlanUnplaced.newBuilder().setVm(text(u.vm())).setVmUuid(text(u.vmUuid()))
                        .setFrom(text(u.from()));
                if (u.reasons() != null) {
                    u.reasons().forEach(r -> ub.addReasons(
                            Reason.newBuilder().setCode(text(r.code())).setMessage(text(r.message()))));
                }
                b.addUnplaced(ub);
            });
        }
        if (v.metrics() != null) {
            var m = v.metrics();
            b.setMetrics(PlanMetrics.newBuilder().setVms(m.vms()).setMigrations(m.migrations())
                    .setUnplaced(m.unplaced()).setWaves(m.waves()).setHostsTouched(m.hostsTouched())
                    .setSolveMillis(m.solveMillis()).setHardViolations(m.hardViolations())
                    .setTerminatedEarly(m.terminatedEarly()));
        }
        return b.build();
    }

    static PlanStatus status(io.migplan.scheduler.evacuation.PlanStatus s) {
        if (s == null) {
            return PlanStatus.PLAN_STATUS_UNSPECIFIED;
        }
        // A switch, not valueOf: a status added on one side must fail to compile here, not at run time.
        return switch (s) {
            case SOLVING -> PlanStatus.PLAN_STATUS_SOLVING;
            case READY -> PlanStatus.PLAN_STATUS_READY;
            case INFEASIBLE -> PlanStatus.PLAN_STATUS_INFEASIBLE;
            case FAILED -> PlanStatus.PLAN_STATUS_FAILED;
            case CANCELLED -> PlanStatus.PLAN_STATUS_CANCELLED;
        };
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }
}
