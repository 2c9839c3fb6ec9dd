package io.migplan.scheduler.placement.filter;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Summary phrases that name a device type ("no free nvidia-231"), made once per type: a
 * question rejects thousands of hosts for the same few types, and counting them should not
 * build a string per host. Bounded so odd input cannot grow it.
 */
final class Phrases {

    /** Far more device types than a fleet offers (a few dozen per board generation). */
    private static final int MAX_CACHED = 4_096;

    private final String prefix;
    private final Map<String, String> byType = new ConcurrentHashMap<>();

    Phrases(String prefix) {
        this.prefix = prefix;
    }

    String of(String type) {
        String phrase = byType.get(type);
        if (phrase == null) {
            phrase = prefix + type;
            if (byType.size() < MAX_CACHED) {
                byType.put(type, phrase);
            }
        }
        return phrase;
    }
}
