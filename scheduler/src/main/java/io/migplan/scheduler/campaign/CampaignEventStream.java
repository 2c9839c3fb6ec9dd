package io.migplan.scheduler.campaign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

/**
 * A campaign's history as server-sent events, the one mapping from {@link CampaignEventFeed} to
 * the wire for the API's stream and the console's: each event's id is its position (to resume
 * after with {@code Last-Event-ID}), its data the event as JSON; a silence becomes a
 * {@code :keep-alive} comment. The API names each event after its kind; the console's page, whose
 * one {@code onmessage} hears only unnamed events, reads the kind from the data.
 */
@ApplicationScoped
public class CampaignEventStream {

    @Inject
    CampaignEventFeed feed;
    @Inject
    ObjectMapper mapper;

    /**
     * Campaign {@code id}'s events after {@code Last-Event-ID}, else {@code ?after}, else from the
     * first; refusals as {@link CampaignEventFeed#follow} gives them.
     *
     * @param named whether each event carries its kind as the SSE event name
     */
    public Multi<OutboundSseEvent> follow(String id, String lastEventId, String after, boolean named, Sse sse) {
        return feed.follow(id, ResumePosition.of(lastEventId, after)).map(item -> {
            if (item instanceof CampaignEventFeed.Happened h) {
                OutboundSseEvent.Builder event = sse.newEventBuilder().id(Long.toString(h.event().position()))
                        .data(json(h.event()));
                return (named ? event.name(h.event().kind()) : event).build();
            }
            return sse.newEventBuilder().comment("keep-alive").build();
        });
    }

    private String json(CampaignEvent event) {
        try {
            return mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("campaign event " + event.position() + " cannot be written as JSON", e);
        }
    }
}
