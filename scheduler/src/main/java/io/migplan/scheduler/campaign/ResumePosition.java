package io.migplan.scheduler.campaign;

import io.migplan.scheduler.error.InvalidRequestException;

/**
 * Where a follower of a campaign's events resumes: after the {@code Last-Event-ID} its last
 * stream sent (a browser's EventSource sends it on every reconnect, to the URL it first opened),
 * else after {@code ?after=}, else from the first event (0). The header wins because a reconnect
 * keeps the first URL, {@code ?after} included. A value that is not a whole number of at least 0
 * is refused naming where it came from.
 */
public final class ResumePosition {

    private ResumePosition() {
    }

    public static long of(String lastEventId, String after) {
        if (lastEventId != null && !lastEventId.isBlank()) {
            return parse("Last-Event-ID", lastEventId);
        }
        if (after != null && !after.isBlank()) {
            return parse("after", after);
        }
        return 0;
    }

    private static long parse(String where, String value) {
        String v = value.strip();
        long position;
        try {
            position = Long.parseLong(v);
        } catch (NumberFormatException e) {
            position = -1;
        }
        if (position < 0) {
            throw new InvalidRequestException(where + " must be a position the event stream sent (a whole number, 0"
                    + " or more), got '" + (v.length() > 40 ? v.substring(0, 40) + "…" : v) + "'");
        }
        return position;
    }
}
