package io.migplan.scheduler.campaign;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import io.migplan.scheduler.error.Texts;
import io.migplan.scheduler.error.PlainText;
import io.migplan.scheduler.snapshot.Releases;
import io.migplan.scheduler.error.InvalidRequestException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/campaigns}. Hosts are named by {@code hosts}, or chosen by a
 * label {@code selector} (every label must match), or, with neither, every host at
 * {@code fromRelease}. Missing policy fields take the defaults of {@link CampaignPolicyRequest}.
 * Selector keys and values follow the text rule of the host labels they are matched against (a
 * NUL would reach PostgreSQL's jsonb, which refuses it). The annotations hold every rule on one
 * field, {@link #validate()} the rules between fields; what needs the cluster (known hosts, their release) is {@link CampaignService}'s to check.
 *
 * <p>{@code rollback: true} asks for a campaign from the new release back to the old one
 * ({@link CampaignKind#ROLLBACK}): its {@code toRelease} must then be older than {@code fromRelease}.
 * The flag is explicit so that a typo in a release never starts a backward campaign.
 */
public record CampaignRequest(
        @NotBlank(message = "is required") @PlainText(max = Texts.MAX_NAME) String fromRelease,
        @NotBlank(message = "is required") @PlainText(max = Texts.MAX_NAME) String toRelease,
        List<@NotBlank(message = "must not be empty") @PlainText String> hosts,
        Map<@PlainText(max = Texts.MAX_NAME) String, @PlainText(max = Texts.MAX_TEXT) String> selector,
        @Valid CampaignPolicyRequest policy,
        Boolean dryRun,
        Boolean rollback) {

    /** A rolling upgrade (forward), as every request was before rollback campaigns. */
    public CampaignRequest(String fromRelease, String toRelease, List<String> hosts, Map<String, String> selector,
            CampaignPolicyRequest policy, Boolean dryRun) {
        this(fromRelease, toRelease, hosts, selector, policy, dryRun, null);
    }

    /**
     * The rules between fields, for a request whose fields are valid: the target release is newer
     * than the source, or older with {@code rollback: true} (and only then), and hosts are named
     * or selected, not both.
     *
     * @throws InvalidRequestException naming the fields and what is wrong
     */
    public void validate() {
        String from = fromRelease.strip();
        String to = toRelease.strip();
        int order = Releases.compare(to, from);
        if (order == 0) {
            throw new InvalidRequestException("toRelease must be newer than fromRelease: " + from + " -> " + to);
        }
        if (order < 0 && !rolledBack()) {
            throw new InvalidRequestException("toRelease " + to + " is older than fromRelease " + from
                    + ": a rollback campaign needs \"rollback\": true");
        }
        if (order > 0 && rolledBack()) {
            throw new InvalidRequestException("toRelease " + to + " is newer than fromRelease " + from
                    + ": \"rollback\": true asks for a campaign back to an older release; leave it out for an"
                    + " upgrade");
        }
        if (named() && selected()) {
            throw new InvalidRequestException("give hosts or selector, not both");
        }
    }

    /** Whether the request asks for a campaign back to an older release. */
    boolean rolledBack() {
        return Boolean.TRUE.equals(rollback);
    }

    /** The kind of campaign the request asks for. */
    CampaignKind kind() {
        return rolledBack() ? CampaignKind.ROLLBACK : CampaignKind.UPGRADE;
    }

    boolean named() {
        return hosts != null && !hosts.isEmpty();
    }

    boolean selected() {
        return selector != null && !selector.isEmpty();
    }

    /**
     * @param maxHostsInMaintenance    a count ("4", or the number 4) or a share of the hosts in scope ("10%")
     * @param timeLimitSeconds         how long the plan may be solved at most; at most, and by default,
     *                                 {@code migplan.planning.max-time-limit} (checked by {@link CampaignService})
     * @param migrationTimeoutSeconds  how long an issued migration may run before the campaign asks the
     *                                 source's and target's agents where its VM is and settles it from
     *                                 their answer
     */
    public record CampaignPolicyRequest(
            @Pattern(regexp = CountOrShare.FORMAT, message = CountOrShare.FORMAT_MESSAGE) @CountOrShare
            @JsonDeserialize(using = CountOrShareText.class) String maxHostsInMaintenance,
            @Min(value = 1, message = AT_LEAST) Integer maxPerFailureDomain,
            @Min(value = 1, message = AT_LEAST) Integer maxOutboundPerHost,
            @Min(value = 1, message = AT_LEAST) Integer maxInboundPerHost,
            @Min(value = 1, message = AT_LEAST) Integer maxParallel,
            @Min(value = 0, message = HEADROOM) @Max(value = 99, message = HEADROOM) Integer headroomPercent,
            Boolean allowBackward,
            @Min(value = 1, message = AT_LEAST) Integer timeLimitSeconds,
            @Min(value = MIGRATION_TIMEOUT_MIN, message = TIMEOUT) @Max(value = MIGRATION_TIMEOUT_MAX, message = TIMEOUT)
            Integer migrationTimeoutSeconds) {

        /** An issued migration's deadline when the policy does not say: half an hour. */
        public static final int MIGRATION_TIMEOUT_DEFAULT = 1800;
        static final int MIGRATION_TIMEOUT_MIN = 10;
        static final int MIGRATION_TIMEOUT_MAX = 86400;
        static final String TIMEOUT = "must be in " + MIGRATION_TIMEOUT_MIN + ".." + MIGRATION_TIMEOUT_MAX
                + " seconds";
        static final String AT_LEAST = "must be at least {value}";
        static final String HEADROOM = "must be in 0..99";

        /** A count may be written as a number or as text; anything else is refused like any wrong type. */
        static final class CountOrShareText extends StdDeserializer<String> {
            CountOrShareText() {
                super(String.class);
            }

            @Override
            public String deserialize(JsonParser p, DeserializationContext context) throws IOException {
                if (p.currentToken() == JsonToken.VALUE_STRING || p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                    return p.getText();
                }
                return (String) context.handleUnexpectedToken(String.class, p);
            }
        }
    }
}
