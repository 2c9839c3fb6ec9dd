package io.migplan.scheduler.console;

import io.migplan.scheduler.campaign.CampaignRequest;
import io.migplan.scheduler.campaign.CampaignRequest.CampaignPolicyRequest;
import io.migplan.scheduler.error.InvalidRequestException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The campaign page's "new campaign" form as the browser sends it (every field text, as htmx's
 * JSON encoding gives them), turned into the API's {@link CampaignRequest}. Only the shape is
 * handled here: numbers parsed, host names and label pairs split; every rule of the request itself
 * (field bounds, release order, hosts known and at the source release) stays the API's, checked
 * when the request is validated and created as the API does.
 *
 * @param hosts    host names separated by spaces or commas; empty for a selector or every host at fromRelease
 * @param selector label pairs {@code key=value}, separated by commas; empty for none
 * @param dryRun   "true" for a plan only; anything else runs the campaign
 * @param rollback "true" for a campaign back to an older release (the API's {@code rollback}); anything else not
 */
public record CampaignForm(String fromRelease, String toRelease, String hosts, String selector,
        String maxHostsInMaintenance, String maxPerFailureDomain, String maxParallel, String headroomPercent,
        String dryRun, String rollback) {

    /** The request this form asks for; a field that is not a number where one is needed is refused naming it. */
    public CampaignRequest request() {
        CampaignPolicyRequest policy = new CampaignPolicyRequest(blankToNull(maxHostsInMaintenance),
                number("policy.maxPerFailureDomain", maxPerFailureDomain), null, null,
                number("policy.maxParallel", maxParallel), number("policy.headroomPercent", headroomPercent), null,
                null, null);
        return new CampaignRequest(text(fromRelease), text(toRelease), hostList(hosts), selector(selector), policy,
                "true".equals(dryRun), "true".equals(rollback) ? Boolean.TRUE : null);
    }

    static List<String> hostList(String hosts) {
        if (hosts == null || hosts.isBlank()) {
            return null;
        }
        return Arrays.stream(hosts.split("[\\s,]+")).filter(h -> !h.isEmpty()).toList();
    }

    static Map<String, String> selector(String selector) {
        if (selector == null || selector.isBlank()) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : selector.split(",")) {
            String p = pair.strip();
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new InvalidRequestException("selector must be key=value pairs separated by commas, e.g."
                        + " gpu-board=T4,rack=r1; got '" + (p.length() > 60 ? p.substring(0, 60) + "…" : p) + "'");
            }
            out.put(p.substring(0, eq).strip(), p.substring(eq + 1).strip());
        }
        return out;
    }

    static Integer number(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(field + " must be a whole number, got '"
                    + (value.length() > 20 ? value.substring(0, 20) + "…" : value.strip()) + "'");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static String text(String s) {
        return s == null ? null : s.strip();
    }
}
