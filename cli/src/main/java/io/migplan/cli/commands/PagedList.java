package io.migplan.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.cli.client.ApiClient;
import io.migplan.cli.client.ApiException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Walks one of the scheduler's paged lists ({@code GET /api/v1/hosts?limit=…}, then each {@code
 * next} as {@code cursor}) and hands each page's items over as it arrives, so a large fleet is
 * never held whole, neither by the scheduler's answer nor here. A scheduler that pages nothing
 * answers the whole list as an array: that is taken as the one and last page.
 */
final class PagedList {

    /** Items asked per page: a few hundred KB of JSON, a fraction of a second on a large fleet. */
    static final int DEFAULT_PAGE_SIZE = 500;
    /** The scheduler's largest page. */
    static final int MAX_PAGE_SIZE = 1000;

    private PagedList() {
    }

    /** Walks {@code path}'s list {@code pageSize} items a page, giving each page to {@code page}; the items given. */
    static long walk(ApiClient client, String path, int pageSize, Consumer<List<JsonNode>> page) {
        String cursor = null;
        long items = 0;
        do {
            String url = path + (path.contains("?") ? "&" : "?") + "limit=" + pageSize
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            ApiClient.Answer answer = client.get(url);
            JsonNode body = answer.json();
            List<JsonNode> these = new ArrayList<>();
            (body.isArray() ? body : body.path("items")).forEach(these::add);
            page.accept(these);
            items += these.size();
            if (body.isArray()) {
                return items;
            }
            JsonNode next = body.path("next");
            String after = next.isTextual() ? next.asText() : null;
            if (after != null && (after.equals(cursor) || these.isEmpty())) {
                throw new ApiException(0, ApiException.BAD_RESPONSE, "the scheduler's page after "
                        + items + " items names no progress (an empty page or the same cursor again); stopping");
            }
            cursor = after;
        } while (cursor != null);
        return items;
    }
}
