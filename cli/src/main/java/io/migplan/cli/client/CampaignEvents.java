package io.migplan.cli.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Set;

/**
 * A campaign's history as the scheduler streams it ({@code GET /api/v1/campaigns/{id}/events},
 * README "Following a campaign"): where the stream is, what one event says, and which states end
 * it. The one place the command line reads that contract.
 */
public final class CampaignEvents {

    /** States after whose event the scheduler ends the stream. */
    public static final Set<String> FINAL_STATES = Set.of("COMPLETED", "ABORTED", "FAILED", "DRY_RUN");

    private static final ObjectMapper JSON = new ObjectMapper();

    private CampaignEvents() {
    }

    /**
     * One event's data, its fields as the contract names them; a field that does not apply is null,
     * and fields added later are passed over.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Event(String campaign, long position, String at, String kind, String state, String host,
            String vm, String vmUuid, String migration, String from, String to, Integer batch, String message) {

        /** Whether the campaign ended with this event (the stream ends after it). */
        public boolean ends() {
            return state != null && FINAL_STATES.contains(state);
        }
    }

    /** The stream of campaign {@code id}. */
    public static String path(String id) {
        return ApiClient.path("/api/v1/campaigns/{}/events", id);
    }

    /**
     * An event's data read.
     *
     * @throws ApiException {@link ApiException#BAD_RESPONSE} naming the event when its data is not the contract's JSON
     */
    public static Event read(SseParser.Event e) {
        try {
            Event ev = JSON.readValue(e.data(), Event.class);
            if (ev == null || ev.kind() == null) {
                throw new IOException("no kind");
            }
            return ev;
        } catch (IOException x) {
            throw new ApiException(0, ApiException.BAD_RESPONSE, "event " + e.id() + " of the campaign's stream is not"
                    + " the JSON the API promises (" + x.getMessage().lines().findFirst().orElse("") + "): "
                    + ApiClient.abbreviate(e.data()), x);
        }
    }

    /** Whether the stream ends after this event: its state is final. Data that is not JSON ends nothing. */
    public static boolean ends(SseParser.Event e) {
        try {
            return read(e).ends();
        } catch (ApiException x) {
            return false;
        }
    }
}
