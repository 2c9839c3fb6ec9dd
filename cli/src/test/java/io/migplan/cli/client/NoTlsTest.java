package io.migplan.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.cli.testsupport.StandIn;
import io.migplan.cli.testsupport.StandIn.Answer;
import java.net.URI;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class NoTlsTest {

    @Test
    void aClientOfAnHttpServerCallsItWithAContextThatSpeaksNoTls() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(200, "{\"ok\":true}"))) {
            ApiClient c = new ApiClient(URI.create(s.url()), "t", NoTls.context());
            assertThat(c.get("/api/v1/hosts").json().path("ok").asBoolean()).isTrue();
        }
    }

    @Test
    void theContextLoadsNoSecurityProviderAndHasEmptyDefaults() {
        SSLContext ssl = NoTls.context();
        assertThat(ssl.getProvider()).isNull();
        assertThat(ssl.getDefaultSSLParameters().getCipherSuites()).isNull();
        assertThat(ssl.getDefaultSSLParameters().getProtocols()).isNull();
    }

    @Test
    void anyUseForTlsIsRefusedSayingWhy() {
        SSLContext ssl = NoTls.context();
        assertThatThrownBy(() -> ssl.createSSLEngine("h", 443)).isInstanceOf(IllegalStateException.class)
                .hasMessage(NoTls.REFUSAL);
        assertThatThrownBy(ssl::createSSLEngine).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(ssl::getSocketFactory).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(ssl::getClientSessionContext).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aClientGivenItForAnHttpsServerFailsAsUnreachableInsteadOfHandshaking() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(200, "{}"))) {
            ApiClient c = new ApiClient(URI.create(s.url().replace("http://", "https://")), "t", NoTls.context());
            assertThatThrownBy(() -> c.get("/api/v1/hosts")).isInstanceOfSatisfying(ApiException.class,
                    e -> assertThat(e.code()).isEqualTo(ApiException.UNREACHABLE));
        }
    }
}
