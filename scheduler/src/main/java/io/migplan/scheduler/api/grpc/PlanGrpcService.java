package io.migplan.scheduler.api.grpc;

import jakarta.annotation.security.RolesAllowed;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.audit.Audited;
import io.grpc.stub.StreamObserver;
import io.migplan.proto.v1.CancelPlanRequest;
import io.migplan.proto.v1.CreateEvacuationPlanRequest;
import io.migplan.proto.v1.CreateEvacuationPlanResponse;
import io.migplan.proto.v1.GetPlanRequest;
import io.migplan.proto.v1.Plan;
import io.migplan.proto.v1.PlanServiceGrpc;
import io.migplan.scheduler.evacuation.EvacuationRequest;
import io.migplan.scheduler.evacuation.PlanService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.validation.Validator;

/**
 * PlanService: the operations of {@code /api/v1/plans}, for programs. {@link PlanService} decides
 * everything (defaults, solving, cancelling) but the request's field rules, its record's
 * annotations, which this class checks as REST's {@code @Valid} does; it translates the request
 * and the plan, and {@link GrpcCalls} the refusals, so both APIs accept and refuse the same things.
 */
@GrpcService
@Audited
public class PlanGrpcService extends PlanServiceGrpc.PlanServiceImplBase {

    @Inject
    PlanService plans;
    @Inject
    Validator validator;

    @Override
    @Blocking
    @RolesAllowed(Roles.OPERATOR)
    public void createEvacuationPlan(CreateEvacuationPlanRequest request,
            StreamObserver<CreateEvacuationPlanResponse> response) {
        GrpcCalls.answer(response, () -> CreateEvacuationPlanResponse.newBuilder()
                .setId(plans.create(GrpcCalls.valid(validator, toRequest(request)))).build());
    }

    @Override
    @Blocking
    @RolesAllowed(Roles.VIEWER)
    public void getPlan(GetPlanRequest request, StreamObserver<Plan> response) {
        GrpcCalls.answer(response, () -> PlanViews.toProto(plans.get(id(request.getId()))));
    }

    @Override
    @Blocking
    @RolesAllowed(Roles.OPERATOR)
    public void cancelPlan(CancelPlanRequest request, StreamObserver<Plan> response) {
        GrpcCalls.answer(response, () -> PlanViews.toProto(plans.cancel(id(request.getId()))));
    }

    /** A path segment cannot be empty in REST; here an unset id is a caller's mistake, not a missing plan. */
    private static String id(String id) {
        return GrpcCalls.required("id", id, "the id CreateEvacuationPlan returned");
    }

    /** proto3 has no absent int: 0 stands for "not given", so PlanService applies its default. */
    static EvacuationRequest toRequest(CreateEvacuationPlanRequest r) {
        return new EvacuationRequest(r.getHostsList(), given(r.getMaxOutboundPerHost()),
                given(r.getMaxInboundPerHost()), given(r.getMaxParallel()), given(r.getTimeLimitSeconds()));
    }

    private static Integer given(int value) {
        return value == 0 ? null : value;
    }
}
