package io.migplan.cli.executor.libvirt;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class RealVirshTest {

    @TempDir
    Path empty;

    @Test
    void without_virsh_the_test_driver_tests_fail_in_ci_and_are_skipped_elsewhere() {
        assertThatThrownBy(() -> RealVirsh.require(empty.toString(), "true"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("virsh is not installed but CI=true: install libvirt-clients");
        assertThatThrownBy(() -> RealVirsh.require(empty.toString(), null))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("virsh is not installed: the libvirt test-driver tests are skipped");
    }
}
