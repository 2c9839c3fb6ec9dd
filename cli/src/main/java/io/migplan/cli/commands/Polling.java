package io.migplan.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.cli.client.ApiClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Polls a GET until its answer says the background work is done (a plan solved, a campaign
 * planned), showing a progress line meanwhile: rewritten in place ({@code \r}) on a terminal, a
 * line every few seconds otherwise.
 */
final class Polling {

    /** Between two progress lines when the output is not a terminal. */
    static final Duration LOG_EVERY = Duration.ofSeconds(5);

    private Polling() {
    }

    /**
     * @param progress what to show while it is not done
     * @param err      where to show it; null shows nothing
     */
    static ApiClient.Answer until(ApiClient client, String path, Predicate<JsonNode> done, Duration every,
            Function<JsonNode, String> progress, PrintWriter err) {
        boolean live = System.console() != null;
        long lastLog = 0;
        boolean shown = false;
        while (true) {
            ApiClient.Answer a = client.get(path);
            JsonNode json = a.json();
            if (done.test(json)) {
                if (shown && live && err != null) {
                    err.print("\r\033[K");
                    err.flush();
                }
                return a;
            }
            if (err != null) {
                long now = System.nanoTime();
                if (live) {
                    err.print("\r\033[K" + progress.apply(json));
                    err.flush();
                    shown = true;
                } else if (!shown || now - lastLog >= LOG_EVERY.toNanos()) {
                    err.println(progress.apply(json));
                    err.flush();
                    lastLog = now;
                    shown = true;
                }
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new io.migplan.cli.client.ApiException(0, io.migplan.cli.client.ApiException.UNREACHABLE,
                        "interrupted while waiting for " + path);
            }
        }
    }
}
