package io.migplan.scheduler.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CertificateRotationFilesTest {

    private static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(properties, "test", 500)).build();
    }

    @Test
    void theDefaultConfigurationsKeyCertificateAndCaFilesAreWatched() {
        SmallRyeConfig config = config(Map.of(
                "quarkus.tls.key-store.pem.0.cert", "/etc/migplan/pki/scheduler.pem",
                "quarkus.tls.key-store.pem.0.key", "/etc/migplan/pki/scheduler-key.pem",
                "quarkus.tls.trust-store.pem.certs", "/etc/migplan/pki/ca.pem, /etc/migplan/pki/old-ca.pem",
                "quarkus.http.ssl.client-auth", "request"));
        assertThat(CertificateRotation.files(config)).containsExactlyInAnyOrder(
                Path.of("/etc/migplan/pki/scheduler.pem"), Path.of("/etc/migplan/pki/scheduler-key.pem"),
                Path.of("/etc/migplan/pki/ca.pem"), Path.of("/etc/migplan/pki/old-ca.pem"));
    }

    @Test
    void keyStoresByPathAreWatchedAndNamedConfigurationsAndPasswordsAreNot() {
        SmallRyeConfig config = config(Map.of(
                "quarkus.tls.key-store.p12.path", "/etc/migplan/pki/scheduler.p12",
                "quarkus.tls.key-store.p12.password", "secret",
                "quarkus.tls.trust-store.jks.path", "/etc/migplan/pki/ca.jks",
                "quarkus.tls.oidc.trust-store.pem.certs", "/etc/ssl/issuer.pem"));
        assertThat(CertificateRotation.files(config)).containsExactly(
                Path.of("/etc/migplan/pki/scheduler.p12"), Path.of("/etc/migplan/pki/ca.jks"));
    }
}
