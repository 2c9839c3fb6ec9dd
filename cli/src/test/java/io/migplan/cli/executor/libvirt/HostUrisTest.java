package io.migplan.cli.executor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostUrisTest {

    @Test
    void the_default_template_reaches_a_host_over_tls() {
        assertThat(HostUris.template(HostUris.DEFAULT_TEMPLATE).uriOf("gpu-17.dc1.example.com"))
                .isEqualTo("qemu+tls://gpu-17.dc1.example.com/system");
        assertThat(HostUris.template("qemu+ssh://root@{host}/system?keyfile=/etc/migplan/id").uriOf("10.0.3.7"))
                .isEqualTo("qemu+ssh://root@10.0.3.7/system?keyfile=/etc/migplan/id");
    }

    @Test
    void a_template_without_the_placeholder_is_refused() {
        assertThatThrownBy(() -> HostUris.template("qemu:///system"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--libvirt-uri-template 'qemu:///system' has no {host} for the host's name, e.g."
                        + " qemu+tls://{host}/system");
    }

    @Test
    void a_host_name_that_would_change_the_uri_is_refused() {
        HostUris uris = HostUris.template(HostUris.DEFAULT_TEMPLATE);
        for (String bad : new String[] {"evil@other", "h1/session", "h1?x=y", "", "-h1", "h 1"}) {
            assertThatThrownBy(() -> uris.uriOf(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("host '" + bad + "' cannot be put into a libvirt URI: a host name has letters, digits,"
                            + " '.', '-' and '_' only");
        }
    }
}
