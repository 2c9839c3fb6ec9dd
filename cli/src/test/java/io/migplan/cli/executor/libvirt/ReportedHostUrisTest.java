package io.migplan.cli.executor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportedHostUrisTest {

    final List<String> asked = new ArrayList<>();
    final Map<String, String> reports = Map.of("h1", "qemu+ssh://root@h1.example.net/system", "h2", "");

    ReportedHostUris uris() {
        return new ReportedHostUris(h -> {
            asked.add(h);
            return Optional.ofNullable(reports.get(h));
        }, HostUris.template(HostUris.DEFAULT_TEMPLATE));
    }

    @Test
    void aReportedUriIsUsedAsIsAndAskedForOnce() {
        ReportedHostUris uris = uris();
        assertThat(uris.uriOf("h1")).isEqualTo("qemu+ssh://root@h1.example.net/system");
        assertThat(uris.uriOf("h1")).isEqualTo("qemu+ssh://root@h1.example.net/system");
        assertThat(asked).containsExactly("h1");
    }

    @Test
    void aHostThatReportedNoneOrABlankOneGetsTheTemplate() {
        ReportedHostUris uris = uris();
        assertThat(uris.uriOf("h2")).isEqualTo("qemu+tls://h2/system");
        assertThat(uris.uriOf("h3")).isEqualTo("qemu+tls://h3/system");
    }

    @Test
    void theTemplateStillRefusesANameThatWouldChangeTheUri() {
        assertThatThrownBy(() -> uris().uriOf("evil@h/x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be put into a libvirt URI");
    }
}
