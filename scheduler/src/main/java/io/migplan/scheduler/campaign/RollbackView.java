package io.migplan.scheduler.campaign;

import io.migplan.scheduler.error.Reason;
import java.util.List;

/**
 * A campaign's way back, as {@code GET /api/v1/campaigns/{id}/rollback} shows it: of the VMs already
 * on the new release (moved there by the campaign, or on a host it upgraded), how many could go
 * back to a host still at the old release, how many cannot and why, and how many are unknown
 * because no agent has answered the backward question yet. Only verdicts agents gave count: an
 * assumed or missing verdict is UNKNOWN, never possible. Room on the old hosts is counted as an
 * evacuation plan counts it.
 *
 * <p>Each batch's figures answer "rolled back right after this batch": the VMs it brought to the
 * new release, judged with those of every earlier batch competing for the same room. {@code total}
 * is a rollback now.
 *
 * @param strandsAfterBatch the first batch after which a rollback would leave some VM on the new
 *                          release (it cannot go back); null when none would
 * @param unknownFromBatch  the first batch with a VM whose way back nobody has answered yet; null when none
 * @param vms               the VMs that cannot go back or are unknown, at most {@link RollbackCount#MAX_LISTED}
 * @param vmsNotListed      how many more there are than {@code vms} lists
 * @param oldHosts          hosts at the old release that take VMs now: where a rollback could send them
 */
public record RollbackView(String campaign, String state, String fromRelease, String toRelease, int oldHosts,
        List<BatchFigures> batches, Figures total, Integer strandsAfterBatch, Integer unknownFromBatch,
        List<Vm> vms, int vmsNotListed, VersionRange versionRange) {

    /**
     * How many VMs on the new release could go back.
     *
     * @param cannot       {@code incompatible} plus {@code noRoom}
     * @param incompatible every old host offering its type refused its state (an agent said INCOMPATIBLE)
     * @param noRoom       some old host accepts its state, but none has room for it beside the others going back
     * @param unknown      no agent refused, but none accepted yet either (no verdict, or the agent's UNKNOWN)
     */
    public record Figures(int vms, int possible, int cannot, int incompatible, int noRoom, int unknown) {
    }

    public record BatchFigures(int batch, Figures figures) {
    }

    /**
     * One VM that cannot go back, or whose way back is unknown.
     *
     * @param verdict INCOMPATIBLE, NO_ROOM or UNKNOWN
     * @param batch   the batch that brought it to the new release
     */
    public record Vm(String vm, String vmUuid, String host, int batch, String verdict, List<Reason> reasons) {
    }

    /**
     * Which vGPU versions on upgraded hosts would keep the way back open. Known only where a probe
     * backend answered with a range; the stored verdicts do not carry one (an agent answers one source
     * signature at a time), so {@code known} is false and {@code why} says so. What the stored verdicts
     * do show is listed instead: the source signatures (type and signature) some old host accepted
     * back, and those every asked old host refused.
     */
    public record VersionRange(boolean known, String range, String why, List<String> acceptedBack,
            List<String> refusedBack) {
    }
}
