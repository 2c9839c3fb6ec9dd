package io.migplan.scheduler.api.grpc;

import jakarta.annotation.security.RolesAllowed;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.audit.Audited;
import io.grpc.stub.StreamObserver;
import io.migplan.proto.v1.AbortCampaignRequest;
import io.migplan.proto.v1.Campaign;
import io.migplan.proto.v1.CampaignEvent;
import io.migplan.proto.v1.CampaignServiceGrpc;
import io.migplan.proto.v1.CreateEvacuationRequest;
import io.migplan.proto.v1.CreateCampaignRequest;
import io.migplan.proto.v1.GetCampaignRequest;
import io.migplan.proto.v1.ListCampaignsRequest;
import io.migplan.proto.v1.ListCampaignsResponse;
import io.migplan.proto.v1.NextStepRequest;
import io.migplan.proto.v1.NextStepResponse;
import io.migplan.proto.v1.PauseCampaignRequest;
import io.migplan.proto.v1.PreviewNextStepRequest;
import io.migplan.proto.v1.ReportMigrationRequest;
import io.migplan.proto.v1.ReportUpgradeStartedRequest;
import io.migplan.proto.v1.Reported;
import io.migplan.proto.v1.ResumeCampaignRequest;
import io.migplan.proto.v1.WatchCampaignRequest;
import io.migplan.scheduler.campaign.CampaignEventFeed;
import io.migplan.scheduler.error.Texts;
import io.migplan.scheduler.campaign.CampaignService;
import io.migplan.scheduler.error.InvalidRequestException;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.validation.Validator;

/**
 * CampaignService: the operations of {@code /api/v1/campaigns}, for programs. {@link CampaignService}
 * decides everything (defaults, planning, the orchestrator's loop) but the request's field rules,
 * its record's annotations, which this class checks as REST's {@code @Valid} does. It also checks
 * what REST's path makes impossible (an empty id); {@link CampaignViews} translates the messages
 * and {@link GrpcCalls} the refusals, so both APIs accept and refuse the same things.
 */
@GrpcService
@Audited
public class CampaignGrpcService extends CampaignServiceGrpc.CampaignServiceImplBase {

    @Inject
    CampaignService campaigns;
    @Inject
    Validator validator;
    @Inject
    CampaignEventFeed feed;

    @Override
    @Blocking
    @RolesAllowed(Roles.OPERATOR)
    public void createCampaign(CreateCampaignRequest request, StreamObserver<Campaign> response) {
        GrpcCalls.answer(response, () -> CampaignViews.toProto(campaigns.create(
                GrpcCalls.valid(validator, CampaignViews.toRequest(request)))));
    }

    @Override
    @Blocking
    @RolesAllowed(Roles.OPERATOR)
    public void createEvacuation(CreateEvacuationRequest request, StreamObserver<Campaign> response) {
        GrpcCalls.answer(response, () -> CampaignViews.toProto(campaigns.createEvacuation(
                GrpcCalls.valid(validator, CampaignViews.toRequest(request)))));
    }

    @Override
    @Blocking
    @RolesAllowed(Roles.VIEWER)
    public void getCampaign(GetCampaignRequest request, StreamObserver<Campaign> response) {
        GrpcCalls.answer(response, () -> CampaignViews.toProto(campaigns.get(id(request.getId()))));
    }

    @Override
    @Blocking
    @RolesAllowed(Roles.VIEWER)
    public void listCampaigns(ListCampaignsRequest request, StreamObserver<ListCampaignsResponse> response) {
        GrpcCalls.answer(response, () -> ListCampaignsResponse.newBuilder()
                .addAllCampaigns(campaigns.list().stream().map(CampaignViews::toProto).toList()).build());
    }

    @Override
    @Blocking
    @RolesAllowed(Roles.ORCHESTRATOR)
    public void nextStep(NextStepRequest request, StreamObserver<NextStepResponse> response) {
        GrpcCalls.answer(response, () -> CampaignViews.toProto(campaigns.next(id(request.getId()),
                orchestrator(request.getOrchestrator()), request.getLeaseSeconds())));
    }

    @Override
    @Blocking
    @RolesAllowed(Roles.VIEWER)
    public void previewNextStep(PreviewNextStepRequest request, StreamObserver<NextStepResponse> response) {
        GrpcCalls.answer(response, () -> CampaignViews.toProto(campaigns.preview(id(request.getId()))));
    }

    @Override
    @Blocking
    @RolesAllowed(Roles.ORCHESTRATOR)
    public void reportMigration(ReportMigrationRequest request, StreamObserver<Reported> response) {
        GrpcCalls.answer(response, () -> {
            String id = id(request.getId());
            String migration = GrpcCalls.required("migration", request.getMigration(), "the id NextStep issued");
            return CampaignViews.toProto(switch (request.getOutcome()) {
                case MIGRATION_OUTCOME_DONE -> campaigns.migrationDone(id, migration,
                        orchestrator(request.getOrchestrator()));
                case MIGRATION_OUTCOME_FAILED -> campaigns.migrationFailed(id, migration,
                        GrpcCalls.text("reason", request.getReason(), Texts.MAX_TEXT),
                        orchestrator(request.getOrchestrator()));
                default -> throw new InvalidRequestException(
                        "outcome is required: MIGRATION_OUTCOME_DONE or MIGRATION_OUTCOME_FAILED");
            });
        });
    }

    @Override
    @Blocking
    @RolesAllowed(Roles.ORCHESTRATOR)
    public void reportUpgradeStarted(ReportUpgradeStartedRequest request, StreamObserver<Reported> response) {
        GrpcCalls.answer(response, () -> CampaignViews.toProto(campaigns.upgradeStarted(id(request.getId()),
                GrpcCalls.required("host", request.getHost(), "the host NextStep handed out"),
                orchestrator(request.getOrchestrator()))));
    }

    @Override
    @Blocking
    @RolesAllowed(Roles.OPERATOR)
    public void pauseCampaign(PauseCampaignRequest request, StreamObserver<Campaign> response) {
        GrpcCalls.answer(response, () -> CampaignViews.toProto(campaigns.pause(id(request.getId()))));
    }

    @Override
    @Blocking
    @RolesAllowed(Roles.OPERATOR)
    public void resumeCampaign(ResumeCampaignRequest request, StreamObserver<Campaign> response) {
        GrpcCalls.answer(response, () -> CampaignViews.toProto(campaigns.resume(id(request.getId()))));
    }

    @Override
    @Blocking
    @RolesAllowed(Roles.OPERATOR)
    public void abortCampaign(AbortCampaignRequest request, StreamObserver<Campaign> response) {
        GrpcCalls.answer(response, () -> CampaignViews.toProto(campaigns.abort(id(request.getId()))));
    }

    @Override
    @Blocking
    @RolesAllowed(Roles.VIEWER)
    public void watchCampaign(WatchCampaignRequest request, StreamObserver<CampaignEvent> response) {
        GrpcCalls.stream(response, () -> feed.follow(id(request.getId()), request.getAfter())
                .filter(item -> item instanceof CampaignEventFeed.Happened)
                .map(item -> CampaignViews.toProto(((CampaignEventFeed.Happened) item).event())));
    }

    /** The orchestrator driving the campaign, required as REST requires it. */
    private static String orchestrator(String name) {
        return GrpcCalls.required("orchestrator", name, "who drives the campaign").strip();
    }

    /** A path segment cannot be empty in REST; here an unset id is a caller's mistake, not a missing campaign. */
    private static String id(String id) {
        return GrpcCalls.required("id", id, "the id CreateCampaign returned");
    }
}
