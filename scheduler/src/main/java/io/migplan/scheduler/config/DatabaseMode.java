package io.migplan.scheduler.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which PostgreSQL the scheduler uses ({@code migplan.db}): {@link #EXTERNAL}, the server named by
 * the datasource URL (the default, and the only one for production), or {@link #EMBEDDED}, one the
 * scheduler starts itself from bundled binaries, for a trial run, when asked for by name.
 */
public enum DatabaseMode {
    EXTERNAL,
    EMBEDDED;

    /** How the key is spelled in a config: {@code external}, {@code embedded}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode a config value names, case and surrounding blanks ignored; empty for any other value. */
    public static Optional<DatabaseMode> parse(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.key().equals(v)).findFirst();
    }

    /** "embedded or external": the values a config may give. */
    public static String choices() {
        return Arrays.stream(values()).map(DatabaseMode::key).sorted().collect(Collectors.joining(" or "));
    }
}
