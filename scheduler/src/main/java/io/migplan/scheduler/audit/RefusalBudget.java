package io.migplan.scheduler.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides which calls refused for their token or role (401, 403) are recorded one by one, so that
 * a flood of them cannot fill the audit: per clock minute, each source's first {@code perSource}
 * and at most {@code total} in all; the rest are only counted, and the minute's count is recorded
 * as one summary once the minute is over. So refusals add at most {@code total + 1} records a
 * minute, whatever comes in. Sources are remembered for the current minute only and at most
 * {@code maxSources} of them; any further source shares one count. Thread-safe.
 */
final class RefusalBudget {

    /** A source's refusals beyond the first {@code maxSources} of a minute are counted under this one. */
    static final String OTHER_SOURCES = "(other sources)";

    /** The refusals of a minute that were counted, not recorded: how many, from how many sources. */
    record Suppressed(Instant minute, int calls, int sources) {
    }

    /** Whether to record this refusal, and the summary of a minute that ended before it, if any. */
    record Decision(boolean record, Optional<Suppressed> ended) {
    }

    private final int perSource;
    private final int total;
    private final int maxSources;
    private Instant minute = Instant.MIN;
    private final Map<String, Integer> bySource = new HashMap<>();
    private final Set<String> suppressedSources = new HashSet<>();
    private int recorded;
    private int suppressed;

    RefusalBudget(int perSource, int total, int maxSources) {
        this.perSource = perSource;
        this.total = total;
        this.maxSources = maxSources;
    }

    synchronized Decision admit(String source, Instant at) {
        Optional<Suppressed> ended = end(at);
        String key = bySource.containsKey(source) || bySource.size() < maxSources ? source : OTHER_SOURCES;
        int seen = bySource.merge(key, 1, Integer::sum);
        boolean record = seen <= perSource && recorded < total;
        if (record) {
            recorded++;
        } else {
            suppressed++;
            suppressedSources.add(key);
        }
        return new Decision(record, ended);
    }

    /** The summary of the minute that ended before {@code at}, if it counted any; the new minute starts empty. */
    synchronized Optional<Suppressed> end(Instant at) {
        Instant now = at.truncatedTo(ChronoUnit.MINUTES);
        if (!now.isAfter(minute)) {
            return Optional.empty();
        }
        Optional<Suppressed> ended = suppressed == 0 ? Optional.empty()
                : Optional.of(new Suppressed(minute, suppressed, suppressedSources.size()));
        minute = now;
        bySource.clear();
        suppressedSources.clear();
        recorded = 0;
        suppressed = 0;
        return ended;
    }
}
