package io.migplan.scheduler;

import io.migplan.scheduler.auth.TokenCommand;
import io.migplan.scheduler.config.DatabaseMode;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.offline.OfflinePlans;
import io.migplan.scheduler.offline.PlanCommand;
import io.migplan.scheduler.db.EmbeddedDatabase;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSourceLoader;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Entry point of the packaged scheduler. {@code token create …} makes a token ({@link TokenCommand})
 * and exits without starting the service. Otherwise it decides one thing before Quarkus boots: which
 * PostgreSQL ({@link #decide}). With a database URL, Quarkus uses it as is. With {@code
 * migplan.db=embedded} and no URL, it starts an {@link EmbeddedDatabase} under {@code
 * migplan.embedded-db.dir}, hands its URL and credentials to the datasource as system properties,
 * and stops it after Quarkus exits. With neither, or both, it refuses to start with a sentence
 * saying what to set: a production scheduler never falls back to a database of its own.
 * Tests do not pass through here; their database comes from a test resource.
 */
@QuarkusMain
public class SchedulerMain {

    private static final Logger LOG = Logger.getLogger(SchedulerMain.class);

    static final String URL_KEY = "quarkus.datasource.jdbc.url";
    static final String MODE_KEY = "migplan.db";
    static final String DIR_KEY = "migplan.embedded-db.dir";
    /** The same default as {@code MigplanConfig.EmbeddedDb#dir}: the mapping is not built yet here. */
    static final String DEFAULT_DIR = ".data/pg";
    /** The token settings {@code token create} reads, with {@code MigplanConfig.Tokens}'s defaults. */
    static final String KEY_DIR_KEY = "migplan.tokens.key-dir";
    static final String DEFAULT_KEY_DIR = ".data/keys";
    static final String MAX_TTL_KEY = "migplan.tokens.max-ttl";
    static final Duration DEFAULT_MAX_TTL = Duration.ofDays(30);
    /**
     * A class of the embedded PostgreSQL's library, which a scheduler built without {@code
     * -Pembedded-db} does not carry (scheduler/pom.xml).
     */
    static final String EMBEDDED_LIBRARY_CLASS = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";
    /** The status a refused start exits with, as for any other configuration error. */
    static final int REFUSED = 1;

    /** What the scheduler starts on, or why it does not start. */
    sealed interface Start {
        /** The configured server. */
        record External(String url) implements Start {
        }

        /** An embedded PostgreSQL with its data in {@code dir}. */
        record Embedded(Path dir) implements Start {
        }

        /** No start: the sentence says what to set. */
        record Refused(String sentence) implements Start {
        }
    }

    public static void main(String... args) {
        SmallRyeConfig config = preBootConfig();
        if (args.length > 0 && args[0].equals("token")) {
            System.exit(TokenCommand.run(Path.of(config.getOptionalValue(KEY_DIR_KEY, String.class)
                            .orElse(DEFAULT_KEY_DIR)),
                    config.getOptionalValue(MAX_TTL_KEY, Duration.class).orElse(DEFAULT_MAX_TTL),
                    Arrays.copyOfRange(args, 1, args.length)));
            return;
        }
        if (args.length > 0 && args[0].equals("plan")) {
            System.exit(plan(Arrays.copyOfRange(args, 1, args.length)));
            return;
        }
        Start start = decide(configuredUrl(config), config.getOptionalValue(MODE_KEY, String.class),
                embeddedDir(config), embeddedBuiltIn());
        if (start instanceof Start.Refused refused) {
            refuse(refused.sentence(), null);
            return;
        }
        if (start instanceof Start.External) {
            Quarkus.run(args);
            return;
        }
        Path dir = ((Start.Embedded) start).dir();
        EmbeddedDatabase db;
        try {
            db = EmbeddedDatabase.start(dir);
        } catch (Exception e) {
            refuse(MODE_KEY + "=embedded, but the embedded PostgreSQL could not start in " + dir.toAbsolutePath()
                    + "; fix the folder (" + DIR_KEY + ") or set DB_URL to an existing server instead", e);
            return;
        }
        LOG.infof("%s=embedded: using an embedded PostgreSQL on port %d with data in %s (for trials, not for"
                + " production)", MODE_KEY, db.port(), db.dataDir());
        System.setProperty(URL_KEY, db.jdbcUrl());
        System.setProperty("quarkus.datasource.username", db.username());
        System.setProperty("quarkus.datasource.password", db.password());
        Quarkus.run(null, (code, failure) -> {
            closeQuietly(db);
            System.exit(code);
        }, args);
    }

    /**
     * {@code plan --fleet FILE …} ({@link PlanCommand}): plans offline with the settings of the same
     * configuration the scheduler reads, and returns the exit status. Neither a database nor
     * Quarkus is started.
     */
    static int plan(String... args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        OfflinePlans.Settings settings;
        try {
            settings = OfflinePlans.Settings.of(preBootConfig(MigplanConfig.class).getConfigMapping(MigplanConfig.class));
        } catch (RuntimeException e) {
            err.println("migplan plan: the scheduler's configuration cannot be read: " + e.getMessage());
            return REFUSED;
        }
        return PlanCommand.run(settings, out, err, args);
    }

    /**
     * Which PostgreSQL, from the configured URL (blank counts as none), {@code migplan.db} and
     * whether this build carries the embedded server: the URL alone is used; {@code embedded} alone
     * starts one in {@code dir}; anything else is refused with the sentence an operator needs.
     */
    static Start decide(Optional<String> url, Optional<String> mode, Path dir, boolean embeddedBuiltIn) {
        Optional<DatabaseMode> chosen = mode.filter(m -> !m.isBlank()).map(DatabaseMode::parse)
                .orElse(Optional.of(DatabaseMode.EXTERNAL));
        if (chosen.isEmpty()) {
            return new Start.Refused(MODE_KEY + " must be " + DatabaseMode.choices() + ", got '"
                    + mode.orElseThrow().strip() + "'");
        }
        boolean embedded = chosen.get() == DatabaseMode.EMBEDDED;
        if (url.isPresent() && embedded) {
            return new Start.Refused(MODE_KEY + "=embedded asks for an embedded PostgreSQL, but a database URL is"
                    + " set too (DB_URL or " + URL_KEY + "); keep only one of them");
        }
        if (url.isPresent()) {
            return new Start.External(url.get());
        }
        if (!embedded) {
            return new Start.Refused("no database is configured: set DB_URL (or " + URL_KEY + ") to the JDBC URL"
                    + " of your PostgreSQL, e.g. jdbc:postgresql://db.example.net:5432/migplan, with DB_USER and"
                    + " DB_PASSWORD; for a trial run without one, set " + MODE_KEY + "=embedded");
        }
        if (!embeddedBuiltIn) {
            return new Start.Refused(MODE_KEY + "=embedded, but this scheduler was built without the embedded"
                    + " PostgreSQL (build it with ./mvnw -Pembedded-db, as bin/demo does), or set DB_URL to your"
                    + " PostgreSQL");
        }
        return new Start.Embedded(dir);
    }

    /**
     * Says why on standard error and exits {@link #REFUSED}. Not through the log: Quarkus sets up
     * its log handlers as it boots, and a line logged before is lost.
     */
    private static void refuse(String sentence, Exception cause) {
        System.err.println("migplan scheduler not started: " + sentence);
        if (cause != null) {
            cause.printStackTrace(System.err);
        }
        System.exit(REFUSED);
    }

    /** Whether the embedded PostgreSQL's library is on the class path (built with -Pembedded-db). */
    static boolean embeddedBuiltIn() {
        try {
            Class.forName(EMBEDDED_LIBRARY_CLASS, false, Thread.currentThread().getContextClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * The configuration as Quarkus will see it for the keys read here: system properties,
     * environment (DB_URL is mapped in application.properties), {@code config/application.properties}
     * in the working directory and the bundled {@code application.properties}, with the
     * profile applied, and the {@code mappings} asked for (typed config, for commands that run without
     * Quarkus). Built standalone, so nothing is registered before Quarkus does it.
     */
    static SmallRyeConfig preBootConfig(Class<?>... mappings) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        String profile = System.getProperty("quarkus.profile",
                System.getenv().getOrDefault("QUARKUS_PROFILE", "prod"));
        // Durations as Quarkus reads them ("10s", "7d"), as the mappings' defaults are written.
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 200, new DurationConverter());
        for (Class<?> mapping : mappings) {
            builder.withMapping(mapping);
        }
        return builder
                .addDefaultSources()
                .addDefaultInterceptors()
                .withProfile(profile)
                // Ordinals as Quarkus gives them: bundled file 250, config/ in the working dir 260.
                .withSources(PropertiesConfigSourceLoader.inClassPath("application.properties", 250, cl))
                .withSources(PropertiesConfigSourceLoader.inFileSystem(
                        Path.of("config", "application.properties").toUri().toString(), 260, cl))
                .build();
    }

    /** The datasource URL an operator configured, if any (a blank value counts as none). */
    static Optional<String> configuredUrl(SmallRyeConfig config) {
        return config.getOptionalValue(URL_KEY, String.class).filter(s -> !s.isBlank());
    }

    static Path embeddedDir(SmallRyeConfig config) {
        return Path.of(config.getOptionalValue(DIR_KEY, String.class).orElse(DEFAULT_DIR));
    }

    private static void closeQuietly(EmbeddedDatabase db) {
        try {
            db.close();
        } catch (Exception e) {
            LOG.warnf(e, "the embedded PostgreSQL in %s did not stop cleanly", db.dataDir());
        }
    }
}
