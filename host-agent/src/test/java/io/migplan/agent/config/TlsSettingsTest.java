package io.migplan.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsSettingsTest {
  @TempDir Path dir;

  private static final String BASE = "hostId: h1\nrelease: r1\nschedulerTarget: sched:8443\n";

  @Test
  void aTlsSectionIsReadWithItsPathsRelativeToTheConfigFile() throws Exception {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(file, BASE + "tls: {ca: pki/ca.pem, cert: /etc/migplan/pki/h1.pem, key: pki/h1-key.pem, reloadPeriod: 30s}\n");
    AgentConfig c = AgentConfig.load(file);
    assertThat(c.tls()).hasValueSatisfying(t -> {
      assertThat(t.ca()).isEqualTo(dir.resolve("pki/ca.pem"));
      assertThat(t.cert()).isEqualTo(Path.of("/etc/migplan/pki/h1.pem"));
      assertThat(t.key()).isEqualTo(dir.resolve("pki/h1-key.pem"));
      assertThat(t.reloadPeriod()).isEqualTo(Duration.ofSeconds(30));
    });
    assertThat(c.plaintextRefusal()).isEmpty();
  }

  @Test
  void theReloadPeriodDefaultsToAMinute() {
    AgentConfig c = AgentConfig.parseYaml(BASE + "tls: {ca: /a, cert: /b, key: /c}\n");
    assertThat(c.tls().orElseThrow().reloadPeriod()).isEqualTo(TlsSettings.DEFAULT_RELOAD_PERIOD);
  }

  @Test
  void aTlsSectionWithoutAFileNamesTheMissingField() {
    assertThatThrownBy(() -> AgentConfig.parseYaml(BASE + "tls: {ca: /a, key: /c}\n"))
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.field()).isEqualTo("tls.cert"))
        .hasMessage("tls.cert: is required with tls: this host's certificate (PEM)");
    assertThatThrownBy(() -> AgentConfig.parseYaml(BASE + "tls: {ca: /a, cert: /b, key: /c, reloadPeriod: 0s}\n"))
        .hasMessage("tls.reloadPeriod: must be a positive duration, got PT0S");
  }

  @Test
  void insecureBesideTlsIsRefused() {
    assertThatThrownBy(() -> AgentConfig.parseYaml(BASE + "insecure: true\ntls: {ca: /a, cert: /b, key: /c}\n"))
        .hasMessage("insecure: is true beside tls; set tls for mutual TLS, or only insecure: true for plaintext");
  }

  @Test
  void withoutTlsAnAgentMayRunOnlyWhenInsecureIsSaid() {
    assertThat(AgentConfig.parseYaml(BASE).plaintextRefusal()).contains("no tls is configured, so the agent would"
        + " serve and report to sched:8443 in plaintext: set tls (ca, cert, key) for mutual TLS with the scheduler,"
        + " or insecure: true to run without TLS on a network you trust");
    assertThat(AgentConfig.parseYaml(BASE + "insecure: true\n").plaintextRefusal()).isEmpty();
  }
}
