package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.CampaignRequest.CampaignPolicyRequest;
import io.migplan.scheduler.error.PlainText;
import io.migplan.scheduler.error.Texts;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.util.List;

/**
 * The body of {@code POST /api/v1/evacuations}: the hosts to take out of placement, why, and the
 * same policy as a campaign's ({@link CampaignPolicyRequest}; {@code maxHostsInMaintenance} and
 * {@code allowBackward} are not read: every host of the scope is emptied at once, and where VMs
 * may go is the placement rules' alone). The annotations hold the rules on each field; that the
 * hosts are known and held by no other campaign or evacuation is {@link CampaignService}'s to check.
 *
 * @param reason why the hosts go to maintenance; it is part of each host's admin-state reason
 */
public record EvacuationCampaignRequest(
        @NotEmpty(message = "is required: the ids of the hosts to empty and put in maintenance")
        List<@NotBlank(message = "must not be empty") @PlainText(max = Texts.MAX_ID) String> hosts,
        @PlainText(max = Texts.MAX_NAME) String reason,
        @Valid CampaignPolicyRequest policy) {
}
