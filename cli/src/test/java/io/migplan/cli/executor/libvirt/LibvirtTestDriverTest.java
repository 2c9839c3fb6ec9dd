package io.migplan.cli.executor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.cli.executor.ExecutionFailure;
import io.migplan.cli.executor.Executor.Migration;
import io.migplan.cli.executor.process.ProcessResult;
import io.migplan.cli.executor.process.ProcessRunner;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The libvirt executor against the real virsh and libvirt's built-in test driver (no daemon): a
 * domain's XML as libvirt writes it, the rewritten XML as libvirt's schema checks it, and libvirt's
 * own errors for what the test driver refuses. What the test driver cannot do (create an mdev, a
 * live migration, domjobabort) is in {@link LibvirtExecutorTest}, against a stand-in.
 *
 * <p>Probed by hand on libvirt 9.0: {@code dumpxml} (also {@code --inactive --migratable}) and
 * {@code define --validate} work, also with a node file ({@code test:///path/node.xml}) holding a VM
 * with mdevs; {@code nodedev-create} of an mdev fails ("Device is not a fibre channel HBA"),
 * {@code domjobabort} is not supported by the driver, and {@code migrate} with {@code --xml} either
 * fails at once ("Migration APIs with extensible parameters are not supported") or hangs, run by run,
 * so no test here relies on it; {@code nodedev-list} fails on unsupported flags; {@code
 * nodedev-destroy} of an unknown device says "Node device not found".
 */
class LibvirtTestDriverTest {
    static final String TEST_UUID = "6695eb01-f6a4-8304-79aa-97f2502e193f";

    @TempDir
    Path dir;
    String gpuNode;
    final List<String> ran = new ArrayList<>();
    final ProcessRunner runner = new ProcessRunner().tracing(argv -> ran.add(String.join(" ", argv.subList(3, argv.size()))));

    @BeforeEach
    void virshAndANodeWithAGpuVm() throws Exception {
        RealVirsh.require();
        Path node = dir.resolve("gpu-node.xml");
        try (InputStream in = getClass().getResourceAsStream("/libvirt/gpu-node.xml")) {
            Files.copy(in, node);
        }
        gpuNode = "test://" + node;
    }

    private ProcessResult virsh(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("virsh"));
        argv.addAll(List.of(args));
        return new ProcessRunner().withEnvironment(Map.of("LC_ALL", "C")).run(argv, Duration.ofSeconds(30));
    }

    /** An executor whose every host is the test driver at {@code uri}. */
    private LibvirtExecutor executor(String uri) {
        return new LibvirtExecutor(LibvirtExecutor.Options.defaults(), host -> uri, runner, w -> { });
    }

    @Test
    void the_default_test_domain_reads_as_a_domain_without_mdevs() throws Exception {
        ProcessResult r = virsh("-c", "test:///default", "dumpxml", "--migratable", "test");

        assertThat(r.succeeded()).as(r.failure(Duration.ofSeconds(30))).isTrue();
        DomainXml xml = DomainXml.parse(r.stdout(), "test");
        assertThat(xml.name()).isEqualTo("test");
        assertThat(xml.uuid()).isEqualTo(TEST_UUID);
        assertThat(xml.mdevUuids()).isEmpty();
    }

    @Test
    void a_vm_with_mdevs_rewritten_for_its_target_is_valid_to_libvirt() throws Exception {
        ProcessResult live = virsh("-c", gpuNode, "dumpxml", "--migratable", "gpu-vm-1");
        assertThat(live.succeeded()).as(live.failure(Duration.ofSeconds(30))).isTrue();
        DomainXml xml = DomainXml.parse(live.stdout(), "gpu-vm-1");
        assertThat(xml.mdevUuids()).containsExactly(DomainXmlTest.OLD_1, DomainXmlTest.OLD_2);
        String new1 = UUID.randomUUID().toString();
        String new2 = UUID.randomUUID().toString();
        Path rewritten = Files.writeString(dir.resolve("domain.xml"),
                xml.withMdevUuids(Map.of(DomainXmlTest.OLD_1, new1, DomainXmlTest.OLD_2, new2), "gpu-vm-1"));
        Path broken = Files.writeString(dir.resolve("broken.xml"),
                xml.withMdevUuids(Map.of(DomainXmlTest.OLD_1, "not-a-uuid", DomainXmlTest.OLD_2, new2), "gpu-vm-1"));

        ProcessResult defined = virsh("-c", "test:///default", "define", "--validate", rewritten.toString());
        ProcessResult refused = virsh("-c", "test:///default", "define", "--validate", broken.toString());

        assertThat(defined.succeeded()).as(defined.failure(Duration.ofSeconds(30))).isTrue();
        assertThat(defined.stdout()).contains("Domain 'gpu-vm-1' defined");
        assertThat(refused.exitCode()).as("libvirt's schema check can fail").isNotZero();
        assertThat(DomainXml.parse(Files.readString(rewritten), "x").mdevUuids()).containsExactly(new1, new2);
    }

    @Test
    void an_unknown_vm_fails_with_libvirt_own_words_before_anything_is_created() {
        Migration m = new Migration("m1", "no-such-vm", "", "host-a", "host-b", List.of("0000:3b:00.0"),
                List.of("nvidia-231"), Duration.ofMinutes(1));

        assertThatThrownBy(() -> executor(gpuNode).migrate(m))
                .isInstanceOf(ExecutionFailure.class)
                .hasMessageStartingWith("migration of VM no-such-vm from host-a to host-b failed: `virsh -c " + gpuNode
                        + " dumpxml --migratable no-such-vm` exited with status 1: ")
                .hasMessageContaining("failed to get domain 'no-such-vm'");
        assertThat(ran).containsExactly("dumpxml --migratable no-such-vm");
    }

    @Test
    void an_mdev_the_driver_cannot_create_fails_the_migration_with_its_error_and_nothing_migrates() {
        Migration m = new Migration("m1", "gpu-vm-1", "0b9f4a3c-5f0e-4c1d-9a57-3d2f1e6b7a01", "host-a", "host-b",
                List.of("0000:3b:00.0", "0000:3b:00.0"), List.of("nvidia-231", "nvidia-231"), Duration.ofMinutes(1));

        assertThatThrownBy(() -> executor(gpuNode).migrate(m))
                .isInstanceOf(ExecutionFailure.class)
                .hasMessageStartingWith("migration of VM gpu-vm-1 from host-a to host-b failed: creating an mdev of type"
                        + " nvidia-231 on pci_0000_3b_00_0 of host-b failed: `virsh -c " + gpuNode + " nodedev-create ")
                .hasMessageContaining("error: Failed to create node device from");
        assertThat(ran).hasSize(3).startsWith("dumpxml --migratable 0b9f4a3c-5f0e-4c1d-9a57-3d2f1e6b7a01",
                "dumpxml --inactive --migratable 0b9f4a3c-5f0e-4c1d-9a57-3d2f1e6b7a01");
        assertThat(ran.get(2)).startsWith("nodedev-create ");
    }
}
