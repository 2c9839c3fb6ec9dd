package io.migplan.scheduler;

import io.migplan.scheduler.auth.TokenCommand;
import io.migplan.scheduler.db.EmbeddedDatabase;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.smallrye.config.PropertiesConfigSourceLoader;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Entry point of the packaged scheduler. {@code token create …} makes a token ({@link TokenCommand})
 * and exits without starting the service. Otherwise it decides one thing before Quarkus boots: whether
 * a PostgreSQL URL is configured. With one, Quarkus uses it as is. With none, it starts an
 * {@link EmbeddedDatabase} under {@code migplan.embedded-db.dir} and hands its URL and
 * credentials to the datasource as system properties, then stops it after Quarkus exits.
 * Tests do not pass through here; their database comes from a test resource.
 */
@QuarkusMain
public class SchedulerMain {

    private static final Logger LOG = Logger.getLogger(SchedulerMain.class);

    static final String URL_KEY = "quarkus.datasource.jdbc.url";
    static final String DIR_KEY = "migplan.embedded-db.dir";
    /** The same default as {@code MigplanConfig.EmbeddedDb#dir}: the mapping is not built yet here. */
    static final String DEFAULT_DIR = ".data/pg";
    /** The token settings {@code token create} reads, with {@code MigplanConfig.Tokens}'s defaults. */
    static final String KEY_DIR_KEY = "migplan.tokens.key-dir";
    static final String DEFAULT_KEY_DIR = ".data/keys";
    static final String MAX_TTL_KEY = "migplan.tokens.max-ttl";
    static final Duration DEFAULT_MAX_TTL = Duration.ofDays(30);

    public static void main(String... args) {
        SmallRyeConfig config = preBootConfig();
        if (args.length > 0 && args[0].equals("token")) {
            System.exit(TokenCommand.run(Path.of(config.getOptionalValue(KEY_DIR_KEY, String.class)
                            .orElse(DEFAULT_KEY_DIR)),
                    config.getOptionalValue(MAX_TTL_KEY, Duration.class).orElse(DEFAULT_MAX_TTL),
                    Arrays.copyOfRange(args, 1, args.length)));
            return;
        }
        if (configuredUrl(config).isPresent()) {
            Quarkus.run(args);
            return;
        }
        Path dir = embeddedDir(config);
        EmbeddedDatabase db;
        try {
            db = EmbeddedDatabase.start(dir);
        } catch (Exception e) {
            LOG.errorf(e, "no %s is configured and the embedded PostgreSQL could not start in %s;"
                    + " set DB_URL to an existing server or fix the folder", URL_KEY, dir.toAbsolutePath());
            System.exit(1);
            return;
        }
        LOG.infof("no %s configured: using an embedded PostgreSQL on port %d with data in %s",
                URL_KEY, db.port(), db.dataDir());
        System.setProperty(URL_KEY, db.jdbcUrl());
        System.setProperty("quarkus.datasource.username", db.username());
        System.setProperty("quarkus.datasource.password", db.password());
        Quarkus.run(null, (code, failure) -> {
            closeQuietly(db);
            System.exit(code);
        }, args);
    }

    /**
     * The configuration as Quarkus will see it for the keys read here: system properties,
     * environment (DB_URL is mapped in application.properties), {@code config/application.properties}
     * in the working directory and the bundled {@code application.properties}, with the
     * profile applied. Built standalone, so nothing is registered before Quarkus does it.
     */
    static SmallRyeConfig preBootConfig() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        String profile = System.getProperty("quarkus.profile",
                System.getenv().getOrDefault("QUARKUS_PROFILE", "prod"));
        return new SmallRyeConfigBuilder()
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
