package io.migplan.scheduler.api.grpc;

import io.migplan.proto.v1.Campaign;
import io.migplan.proto.v1.CampaignBatch;
import io.migplan.proto.v1.CampaignEvent;
import io.migplan.proto.v1.CampaignHostNote;
import io.migplan.proto.v1.CampaignMetrics;
import io.migplan.proto.v1.CampaignMigration;
import io.migplan.proto.v1.CampaignPlanning;
import io.migplan.proto.v1.CampaignProgress;
import io.migplan.proto.v1.CampaignSummary;
import io.migplan.proto.v1.CampaignUnmovable;
import io.migplan.proto.v1.CreateCampaignRequest;
import io.migplan.proto.v1.CreateEvacuationRequest;
import io.migplan.scheduler.campaign.EvacuationCampaignRequest;
import io.migplan.proto.v1.MigrationAction;
import io.migplan.proto.v1.NaiveMetrics;
import io.migplan.proto.v1.NextStepResponse;
import io.migplan.proto.v1.Reason;
import io.migplan.proto.v1.Reported;
import io.migplan.scheduler.campaign.CampaignRequest;
import io.migplan.scheduler.campaign.CampaignRequest.CampaignPolicyRequest;
import io.migplan.scheduler.campaign.CampaignService;
import io.migplan.scheduler.campaign.CampaignView;
import io.migplan.scheduler.campaign.NextStep;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Campaigns between the gRPC contract and {@link CampaignService}'s records, field for field and
 * in the same order, so both APIs show one campaign identically. It decides nothing: a request
 * field left unset reaches the service as the REST API's null (so it applies the same defaults
 * and refusals), absent parts of a view stay absent, and null strings become proto3's empty string.
 */
final class CampaignViews {

    private CampaignViews() {
    }

    static EvacuationCampaignRequest toRequest(CreateEvacuationRequest r) {
        return new EvacuationCampaignRequest(r.getHostsList(), given(r.getReason()),
                r.hasPolicy() ? policy(r.getPolicy()) : null);
    }

    static CampaignRequest toRequest(CreateCampaignRequest r) {
        CampaignPolicyRequest policy = r.hasPolicy() ? policy(r.getPolicy()) : null;
        // proto3 cannot send a null string or an absent list: empty stands for "not given".
        return new CampaignRequest(given(r.getFromRelease()), given(r.getToRelease()),
                r.getHostsCount() == 0 ? null : r.getHostsList(),
                r.getSelectorCount() == 0 ? null : r.getSelectorMap(), policy, r.getDryRun(),
                r.getRollback() ? Boolean.TRUE : null);
    }

    /** The policy as given: an unset limit is null (the default), a value given is checked as given. */
    private static CampaignPolicyRequest policy(io.migplan.proto.v1.CampaignPolicy p) {
        return new CampaignPolicyRequest(
                p.hasMaxHostsInMaintenance() ? p.getMaxHostsInMaintenance() : null,
                p.hasMaxPerFailureDomain() ? p.getMaxPerFailureDomain() : null,
                p.hasMaxOutboundPerHost() ? p.getMaxOutboundPerHost() : null,
                p.hasMaxInboundPerHost() ? p.getMaxInboundPerHost() : null,
                p.hasMaxParallel() ? p.getMaxParallel() : null,
                p.hasHeadroomPercent() ? p.getHeadroomPercent() : null,
                p.hasAllowBackward() ? p.getAllowBackward() : null,
                p.hasTimeLimitSeconds() ? p.getTimeLimitSeconds() : null,
                p.hasMigrationTimeoutSeconds() ? p.getMigrationTimeoutSeconds() : null);
    }

    static Campaign toProto(CampaignView v) {
        var b = Campaign.newBuilder().setId(text(v.id())).setState(text(v.state()))
                .setFromRelease(text(v.fromRelease())).setToRelease(text(v.toRelease())).setDryRun(v.dryRun())
                .setPlanVersion(v.planVersion()).setReplanPending(text(v.replanPending()))
                .setKind(text(v.kind())).setReason(text(v.reason()));
        each(v.batches(), x -> b.addBatches(batch(x)));
        each(v.unmovable(), u -> b.addUnmovable(CampaignUnmovable.newBuilder().setVm(text(u.vm()))
                .setVmUuid(text(u.vmUuid())).setHost(text(u.host())).addAllReasons(reasons(u.reasons()))));
        each(v.heldBack(), n -> b.addHeldBack(note(n)));
        each(v.blocked(), n -> b.addBlocked(note(n)));
        each(v.waiting(), n -> b.addWaiting(note(n)));
        if (v.metrics() != null) {
            b.setMetrics(metrics(v.metrics()));
        }
        if (v.progress() != null) {
            var p = v.progress();
            b.setProgress(CampaignProgress.newBuilder().setHosts(p.hosts()).setHostsDone(p.hostsDone())
                    .setMigrationsDone(p.migrationsDone()).setMigrationsFailed(p.migrationsFailed())
                    .setInFlight(p.inFlight()).setMigrationsPerVm(p.migrationsPerVm()));
        }
        each(v.history(), e -> b.addHistory(CampaignEvent.newBuilder().setAtUnixMs(millis(e.at()))
                .setKind(text(e.kind())).setMessage(text(e.message()))));
        if (v.planning() != null) {
            var p = v.planning();
            b.setPlanning(CampaignPlanning.newBuilder().setElapsedMillis(p.elapsedMillis()).setWaiting(p.waiting())
                    .setEvacuations(p.evacuations()).setPhase(text(p.phase())).setBestScore(text(p.bestScore()))
                    .setTimeLimitSeconds(p.timeLimitSeconds()));
        }
        b.setFailure(text(v.failure()));
        return b.build();
    }

    /** An event of a campaign's history as WatchCampaign streams it: every field of the REST stream's JSON. */
    static CampaignEvent toProto(io.migplan.scheduler.campaign.CampaignEvent e) {
        var b = CampaignEvent.newBuilder().setAtUnixMs(millis(e.at())).setKind(text(e.kind()))
                .setMessage(text(e.message())).setCampaign(text(e.campaign())).setPosition(e.position())
                .setState(text(e.state())).setHost(text(e.host())).setVm(text(e.vm())).setVmUuid(text(e.vmUuid()))
                .setMigration(text(e.migration())).setFrom(text(e.from())).setTo(text(e.to()));
        if (e.batch() != null) {
            b.setBatch(e.batch());
        }
        return b.build();
    }

    private static CampaignBatch batch(CampaignView.Batch x) {
        var b = CampaignBatch.newBuilder().setIndex(x.index()).addAllHosts(list(x.hosts())).setCanary(x.canary())
                .setState(text(x.state()));
        each(x.migrations(), m -> b.addMigrations(CampaignMigration.newBuilder().setId(text(m.id()))
                .setVm(text(m.vm())).setVmUuid(text(m.vmUuid())).setFrom(text(m.from())).setTo(text(m.to()))
                .setDevice(text(m.device())).setType(text(m.type())).setWave(m.wave()).setState(text(m.state()))
                .setBasis(text(m.basis()))
                .setError(text(m.error()))));
        return b.build();
    }

    private static CampaignMetrics metrics(CampaignView.Metrics m) {
        var b = CampaignMetrics.newBuilder().setVms(m.vms()).setMigrations(m.migrations())
                .setMigrationsPerVm(m.migrationsPerVm()).setMovedTwice(m.movedTwice()).setBatches(m.batches())
                .setWaves(m.waves()).setLowerBound(m.lowerBound()).setBlocked(m.blocked()).setPlanMillis(m.planMillis());
        if (m.naive() != null) {
            b.setNaive(NaiveMetrics.newBuilder().setMigrations(m.naive().migrations())
                    .setMigrationsPerVm(m.naive().migrationsPerVm()).setMovedTwice(m.naive().movedTwice())
                    .setBlocked(m.naive().blocked()));
        }
        return b.build();
    }

    private static CampaignHostNote note(CampaignView.HostNote n) {
        return CampaignHostNote.newBuilder().setHost(text(n.host())).addAllReasons(reasons(n.reasons())).build();
    }

    private static List<Reason> reasons(List<io.migplan.scheduler.error.Reason> reasons) {
        return list(reasons).stream().map(r -> Reason.newBuilder().setCode(text(r.code()))
                .setMessage(text(r.message())).build()).toList();
    }

    static CampaignSummary toProto(CampaignService.Listed l) {
        return CampaignSummary.newBuilder().setId(text(l.id())).setState(text(l.state()))
                .setFromRelease(text(l.fromRelease())).setToRelease(text(l.toRelease()))
                .setCreatedAtUnixMs(millis(l.createdAt())).setKind(text(l.kind())).build();
    }

    static NextStepResponse toProto(NextStep s) {
        var b = NextStepResponse.newBuilder().setCampaign(text(s.campaign())).setState(text(s.state()));
        each(s.start(), a -> b.addStart(action(a)));
        each(s.inFlight(), a -> b.addInFlight(action(a)));
        b.addAllUpgrade(list(s.upgrade())).addAllWaiting(list(s.waiting())).setPreview(s.preview())
                .setLeaseHolder(text(s.leaseHolder()))
                .setLeaseExpiresAtUnixMs(s.leaseExpiresAt() == null ? 0 : s.leaseExpiresAt().toEpochMilli());
        return b.build();
    }

    private static MigrationAction action(NextStep.Action a) {
        return MigrationAction.newBuilder().setId(text(a.id())).setVm(text(a.vm())).setVmUuid(text(a.vmUuid()))
                .setFrom(text(a.from()))
                .setTo(text(a.to())).addAllParents(list(a.parents())).addAllTypes(list(a.types()))
                .setBatch(a.batch()).setWave(a.wave()).addAllReservations(list(a.reservations()))
                .setDeadlineUnixMs(a.deadline() == null ? 0 : a.deadline().toEpochMilli()).build();
    }

    static Reported toProto(CampaignService.Reported r) {
        return Reported.newBuilder().setCampaign(text(r.campaign())).setState(text(r.state()))
                .setSubject(text(r.subject())).setSubjectState(text(r.subjectState())).build();
    }

    private static <T> void each(List<T> items, Consumer<T> add) {
        list(items).forEach(add);
    }

    private static <T> List<T> list(List<T> items) {
        return items == null ? List.of() : items;
    }

    private static long millis(Instant at) {
        return at == null ? 0 : at.toEpochMilli();
    }

    private static String given(String s) {
        return s.isEmpty() ? null : s;
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }
}
