package io.migplan.scheduler.api.grpc;

import jakarta.annotation.security.RolesAllowed;
import io.migplan.scheduler.auth.Roles;
import io.grpc.stub.StreamObserver;
import io.migplan.proto.v1.Candidate;
import io.migplan.proto.v1.PlacementServiceGrpc;
import io.migplan.proto.v1.Reason;
import io.migplan.proto.v1.Rejection;
import io.migplan.proto.v1.WhereCanMoveRequest;
import io.migplan.proto.v1.WhereCanMoveResponse;
import io.migplan.scheduler.placement.Placement;
import io.migplan.scheduler.placement.TargetFinder;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;

/** PlacementService: the same answer as {@code GET /api/v1/vms/{id}/targets}, for programs. */
@GrpcService
public class PlacementGrpcService extends PlacementServiceGrpc.PlacementServiceImplBase {

    @Inject
    TargetFinder targets;

    @Override
    @Blocking
    @RolesAllowed(Roles.VIEWER)
    public void whereCanMove(WhereCanMoveRequest request, StreamObserver<WhereCanMoveResponse> response) {
        GrpcCalls.answer(response, () -> toProto(targets.find(GrpcCalls.required("vm", request.getVm(), ""))));
    }

    static WhereCanMoveResponse toProto(Placement p) {
        var b = WhereCanMoveResponse.newBuilder().setVm(p.vm()).setSourceHost(p.sourceHost()).setSummary(p.summary());
        p.candidates().forEach(c -> b.addCandidates(
                Candidate.newBuilder().setHost(c.host()).setDevice(c.device()).setScore(c.score())));
        p.rejected().forEach(r -> b.addRejected(Rejection.newBuilder().setHost(r.host()).addAllReasons(
                r.reasons().stream().map(x -> Reason.newBuilder().setCode(x.code()).setMessage(x.message()).build())
                        .toList())));
        return b.build();
    }
}
