package io.migplan.cli.commands;

import io.migplan.cli.ExitCode;
import io.migplan.cli.client.ApiClient;
import io.migplan.cli.client.ApiException;
import io.migplan.cli.client.CampaignEvents;
import io.migplan.cli.client.EventStream;
import io.migplan.cli.client.SseParser;
import io.migplan.cli.output.Format;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code migplan campaign watch <id> [--after N]}: prints a campaign's history as it happens, one
 * line an event ({@link #line}) or the event's JSON as sent ({@code -o json}), until the campaign
 * ends; the exit code says how it ended. A broken connection is resumed where it broke off;
 * {@code --after} resumes a watch that was stopped, from the position its last line showed.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Print a campaign's events as they happen (every event so far first, or those after --after),"
                + " until the campaign ends: exit 0 when it COMPLETED, 5 when it ended otherwise (ABORTED, FAILED, a"
                + " DRY_RUN).",
                "Text: one line an event (time, #position, kind, VM or host, the scheduler's sentence); -o json: each"
                        + " event's JSON, one a line."})
public final class CampaignWatchCommand extends ApiCommand {

    @Parameters(paramLabel = "ID", description = "The campaign.")
    String id;

    @Option(names = "--after", paramLabel = "N", defaultValue = "0",
            description = "Only the events after position N (the #N of a line printed before; default: from the first).")
    long after;

    @Override
    protected ExitCode call(ApiClient client) {
        if (after < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--after must be 0 or more, got " + after);
        }
        String[] lastState = {null};
        boolean json = format() == Format.json;
        EventStream stream = new EventStream(client, CampaignEvents.path(id), after, CampaignEvents::ends,
                EventStream.Settings.DEFAULT);
        try {
            stream.follow(new EventStream.Listener() {
                @Override
                public void event(SseParser.Event e) {
                    CampaignEvents.Event ev = CampaignEvents.read(e);
                    lastState[0] = ev.state() != null ? ev.state() : lastState[0];
                    out().println(json ? e.data() : line(ev));
                    out().flush();
                }

                @Override
                public void lost(String why, Duration retryIn, int attempt) {
                    err().println("migplan: " + why + "; following again in " + retryIn.toMillis() + " ms"
                            + (stream.lastEventId() == null ? "" : " after event " + stream.lastEventId()));
                    err().flush();
                }
            });
        } catch (ApiException e) {
            if (stream.lastEventId() != null) {
                err().println("migplan: stopped after event " + stream.lastEventId() + "; go on with: migplan campaign"
                        + " watch " + id + " --after " + stream.lastEventId());
            }
            throw e;
        }
        String state = lastState[0];
        if (state == null || !CampaignEvents.FINAL_STATES.contains(state)) {
            // The stream ended with nothing new (the campaign had ended before --after, or was deleted): ask.
            state = client.get(ApiClient.path("/api/v1/campaigns/{}", id)).json().path("state").asText();
        }
        return exitCode(state);
    }

    /** COMPLETED is done; any other end is not (ABORTED, FAILED, a DRY_RUN, which runs nothing). */
    static ExitCode exitCode(String state) {
        return "COMPLETED".equals(state) ? ExitCode.OK : ExitCode.NOT_DONE;
    }

    /**
     * An event for a person: {@code <at> #<position> <KIND> <subject>: <sentence>}, the subject being
     * the migration's VM and hosts with its id, or the host and its batch, or nothing for an event
     * of the whole campaign.
     */
    static String line(CampaignEvents.Event e) {
        StringBuilder s = new StringBuilder();
        s.append(e.at()).append(" #").append(e.position()).append(' ').append(e.kind());
        if (e.vm() != null || e.migration() != null) {
            s.append(" VM ").append(e.vm() == null ? "?" : e.vm());
            if (e.from() != null || e.to() != null) {
                s.append(' ').append(e.from()).append(" -> ").append(e.to());
            }
            if (e.migration() != null) {
                s.append(" (").append(e.migration()).append(')');
            }
        } else if (e.host() != null) {
            s.append(" host ").append(e.host());
            if (e.batch() != null) {
                s.append(" (batch ").append(e.batch()).append(')');
            }
        }
        if (e.message() != null && !e.message().isEmpty()) {
            s.append(": ").append(e.message());
        }
        return s.toString();
    }
}
