package io.migplan.scheduler.auth;

import io.migplan.scheduler.config.MigplanConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * Reads (or on first start makes) the token signing key as the scheduler starts, so a folder that
 * cannot hold it stops the start with {@link SigningKeys}'s sentence instead of failing the first call.
 */
@ApplicationScoped
public class TokenKeys {

    private static final Logger LOG = Logger.getLogger(TokenKeys.class);

    @Produces
    @Singleton
    @Startup
    LocalTokens localTokens(MigplanConfig config) {
        Path dir = Path.of(config.tokens().keyDir());
        SigningKeys keys = SigningKeys.loadOrCreate(dir);
        LOG.infof("tokens are signed with key %s in %s", keys.keyId(), dir.toAbsolutePath());
        return new LocalTokens(keys, config.tokens().maxTtl());
    }
}
