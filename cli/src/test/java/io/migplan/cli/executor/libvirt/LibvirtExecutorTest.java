package io.migplan.cli.executor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.migplan.cli.executor.ExecutionFailure;
import io.migplan.cli.executor.Executor.Migration;
import io.migplan.cli.executor.Executor.Upgrade;
import io.migplan.cli.executor.process.ProcessRunner;
import io.migplan.cli.executor.process.Scripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The libvirt executor's command lines, in order, for each way a migration goes, against a
 * stand-in virsh (a live migration needs two real hosts). The test driver's part is in
 * {@link LibvirtTestDriverTest}.
 */
class LibvirtExecutorTest {
    static final String VM_UUID = "0b9f4a3c-5f0e-4c1d-9a57-3d2f1e6b7a01";
    static final String OLD_1 = "c2177883_f1bb_47f0_914d_32a22e3a8804";
    static final String OLD_2 = "a7ad2c2e_7a55_4f2c_8c4b_2d6c0e4f9b12";
    static final String A = "-c qemu+tls://host-a/system ";
    static final String B = "-c qemu+tls://host-b/system ";
    static final Migration MIGRATION = new Migration("c7-m12", "gpu-vm-1", VM_UUID, "host-a", "host-b",
            List.of("0000:3b:00.0", "0000:D8:00.0"), List.of("nvidia-231", "nvidia-232"), Duration.ofMinutes(5));
    static final List<String> READ_AND_CREATE = List.of(
            A + "dumpxml --migratable " + VM_UUID,
            A + "dumpxml --inactive --migratable " + VM_UUID,
            B + "nodedev-create <tmp>/mdev-0.xml",
            B + "nodedev-create <tmp>/mdev-1.xml");
    static final String MIGRATE = A + "migrate --live --persistent --undefinesource --xml <tmp>/domain.xml"
            + " --persistent-xml <tmp>/domain-persistent.xml " + VM_UUID + " qemu+tls://host-b/system";
    static final String REMOVE_TARGET_1 = B + "nodedev-destroy mdev_NEW1_0000_3b_00_0";
    static final String REMOVE_TARGET_2 = B + "nodedev-destroy mdev_NEW2_0000_d8_00_0";

    @TempDir
    Path dir;
    StandInVirsh virsh;
    final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void standIn() throws Exception {
        virsh = StandInVirsh.in(dir.resolve("virsh"));
        virsh.answers("dumpxml", 0, DomainXmlTest.gpuVm(), null)
                .answers("nodedev-list", 0, "mdev_" + OLD_2 + "_0000_3b_00_0\nmdev_" + OLD_1 + "_0000_3b_00_0\n"
                        + "mdev_0c9a4c39_0000_4000_8000_000000000001_0000_3b_00_0\n\n", null);
    }

    LibvirtExecutor executor(Duration abortGrace, List<String> upgradeCommand, ProcessRunner runner) {
        var options = new LibvirtExecutor.Options(virsh.program(), HostUris.DEFAULT_TEMPLATE,
                Duration.ofSeconds(30), abortGrace, Duration.ofMinutes(10), upgradeCommand, Duration.ofMinutes(5));
        return new LibvirtExecutor(options, HostUris.template(options.uriTemplate()), runner, warnings::add);
    }

    LibvirtExecutor executor() {
        return executor(Duration.ofSeconds(30), List.of(), new ProcessRunner());
    }

    static List<String> calls(List<String> first, String... then) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(then));
        return all;
    }

    @Test
    void a_migration_creates_the_target_mdevs_migrates_with_their_uuids_and_removes_the_source_mdevs() throws Exception {
        LibvirtExecutor.Outcome outcome = executor().migrateReporting(MIGRATION);

        assertThat(virsh.calls()).containsExactlyElementsOf(calls(READ_AND_CREATE,
                MIGRATE,
                A + "nodedev-list --cap mdev",
                A + "nodedev-destroy mdev_" + OLD_1 + "_0000_3b_00_0",
                A + "nodedev-destroy mdev_" + OLD_2 + "_0000_3b_00_0"));
        assertThat(outcome.warnings()).isEmpty();
        List<String> created = virsh.createdUuids();
        assertThat(virsh.kept("nodedev-create.xml")).isEqualTo(
                MdevNodeDevices.createXml("pci_0000_3b_00_0", "nvidia-231", created.get(0))
                        + MdevNodeDevices.createXml("pci_0000_d8_00_0", "nvidia-232", created.get(1)));
        assertThat(DomainXml.parse(virsh.kept("migrate-live.xml"), "live").mdevUuids()).isEqualTo(created);
        assertThat(DomainXml.parse(virsh.kept("migrate-persistent.xml"), "persistent").mdevUuids()).isEqualTo(created);
        assertThat(created).doesNotHaveDuplicates().noneMatch(u -> u.replace('-', '_').equals(OLD_1));
    }

    @Test
    void the_temporary_xml_files_are_gone_after_the_migration() throws Exception {
        List<List<String>> seen = new ArrayList<>();

        executor(Duration.ofSeconds(30), List.of(), new ProcessRunner().tracing(seen::add)).migrate(MIGRATION);

        List<String> migrate = seen.stream().filter(argv -> argv.get(3).equals("migrate")).findFirst().orElseThrow();
        Path liveXml = Path.of(migrate.get(migrate.indexOf("--xml") + 1));
        assertThat(liveXml.getParent().getFileName().toString()).startsWith("migplan-migrate-");
        assertThat(liveXml.getParent()).doesNotExist();
    }

    @Test
    void a_migration_past_its_timeout_is_aborted_and_the_target_mdevs_removed() throws Exception {
        virsh.waitsForAbort("migrate")
                .answers("migrate", 1, null, "error: operation aborted: migration out job: canceled by client\n");
        Migration quick = new Migration("m1", "gpu-vm-1", VM_UUID, "host-a", "host-b", MIGRATION.parents(),
                MIGRATION.types(), Duration.ofMillis(500));

        assertThatThrownBy(() -> executor().migrate(quick))
                .isInstanceOf(ExecutionFailure.class)
                .hasMessage("migration of VM gpu-vm-1 from host-a to host-b failed: it did not finish within 500ms;"
                        + " aborted with `virsh domjobabort`; `virsh migrate` ended with status 1: error: operation"
                        + " aborted: migration out job: canceled by client");
        assertThat(virsh.calls()).containsExactlyElementsOf(calls(READ_AND_CREATE,
                MIGRATE,
                A + "domjobabort " + VM_UUID,
                REMOVE_TARGET_1,
                REMOVE_TARGET_2));
    }

    @Test
    void a_failed_migration_removes_the_target_mdevs_and_says_what_libvirt_said() throws Exception {
        virsh.answers("migrate", 1, null, "error: internal error: unable to execute QEMU command 'migrate':"
                + " vfio 0000:3b:00.0: migration is not supported by the vendor driver\n");

        assertThatThrownBy(() -> executor().migrate(MIGRATION))
                .isInstanceOf(ExecutionFailure.class)
                .hasMessageStartingWith("migration of VM gpu-vm-1 from host-a to host-b failed: `" + virsh.program()
                        + " -c qemu+tls://host-a/system migrate --live --persistent --undefinesource --xml ")
                .hasMessageEndingWith(" exited with status 1: error: internal error: unable to execute QEMU command"
                        + " 'migrate': vfio 0000:3b:00.0: migration is not supported by the vendor driver");
        assertThat(virsh.calls()).containsExactlyElementsOf(calls(READ_AND_CREATE, MIGRATE, REMOVE_TARGET_1, REMOVE_TARGET_2));
    }

    @Test
    void a_target_mdev_that_cannot_be_removed_is_named_in_the_failure() throws Exception {
        virsh.answers("migrate", 1, null, "error: migration failed\n")
                .answers("nodedev-destroy.1", 1, null, "error: Failed to destroy node device\n");

        Throwable thrown = catchThrowable(() -> executor().migrate(MIGRATION));

        String first = virsh.createdUuids().get(0);
        assertThat(thrown).isInstanceOf(ExecutionFailure.class)
                .hasMessageEndingWith("exited with status 1: error: migration failed; cleanup on host-b failed too: mdev "
                        + first + " could not be removed (`" + virsh.program() + " -c qemu+tls://host-b/system"
                        + " nodedev-destroy mdev_" + first.replace('-', '_') + "_0000_3b_00_0` exited with status 1:"
                        + " error: Failed to destroy node device): remove it with `virsh -c qemu+tls://host-b/system"
                        + " nodedev-destroy mdev_" + first.replace('-', '_') + "_0000_3b_00_0`");
        assertThat(virsh.calls()).containsExactlyElementsOf(calls(READ_AND_CREATE, MIGRATE, REMOVE_TARGET_1, REMOVE_TARGET_2));
    }

    @Test
    void a_created_mdev_whose_name_virsh_did_not_say_is_looked_up_by_its_uuid_for_cleanup() throws Exception {
        virsh.answers("nodedev-create", 0, "", null)
                .answers("migrate", 1, null, "error: migration failed\n")
                .answers("nodedev-list", 0, "mdev_" + OLD_1 + "_0000_3b_00_0\n", null);

        Throwable thrown = catchThrowable(() -> executor().migrate(MIGRATION));

        List<String> created = virsh.createdUuids();
        assertThat(thrown).hasMessageEndingWith("error: migration failed; cleanup on host-b failed too: no active mdev "
                + created.get(0) + " is listed on host-b; no active mdev " + created.get(1) + " is listed on host-b");
        assertThat(virsh.calls()).containsExactlyElementsOf(calls(READ_AND_CREATE, MIGRATE,
                B + "nodedev-list --cap mdev", B + "nodedev-list --cap mdev"));
    }

    @Test
    void a_virsh_migrate_that_ignores_the_abort_is_killed_and_the_target_mdevs_removed_when_the_vm_is_not_there()
            throws Exception {
        virsh.delays("migrate", 600)
                .answers("domstate", 1, null, "error: failed to get domain '" + VM_UUID + "'\n");
        Migration quick = new Migration("m1", "gpu-vm-1", VM_UUID, "host-a", "host-b", MIGRATION.parents(),
                MIGRATION.types(), Duration.ofMillis(300));

        assertThatThrownBy(() -> executor(Duration.ofMillis(300), List.of(), new ProcessRunner()).migrate(quick))
                .hasMessage("migration of VM gpu-vm-1 from host-a to host-b failed: it did not finish within 300ms;"
                        + " aborted with `virsh domjobabort`, but `virsh migrate` did not end within 300ms and was"
                        + " killed; VM gpu-vm-1 is not on host-b");
        assertThat(virsh.calls()).containsExactlyElementsOf(calls(READ_AND_CREATE, MIGRATE,
                A + "domjobabort " + VM_UUID, B + "domstate " + VM_UUID, REMOVE_TARGET_1, REMOVE_TARGET_2));
    }

    @Test
    void mdevs_are_never_removed_under_a_vm_that_may_run_on_the_target() throws Exception {
        virsh.delays("migrate", 600).answers("domstate", 0, "paused\n\n", null);
        Migration quick = new Migration("m1", "gpu-vm-1", VM_UUID, "host-a", "host-b", MIGRATION.parents(),
                MIGRATION.types(), Duration.ofMillis(300));

        assertThatThrownBy(() -> executor(Duration.ofMillis(300), List.of(), new ProcessRunner()).migrate(quick))
                .hasMessageEndingWith("; VM gpu-vm-1 exists on host-b (paused), so the mdevs created there are left:"
                        + " where it runs is settled from what the agents see");
        assertThat(virsh.calls()).containsExactlyElementsOf(calls(READ_AND_CREATE, MIGRATE,
                A + "domjobabort " + VM_UUID, B + "domstate " + VM_UUID));
    }

    @Test
    void a_migration_that_ends_well_right_after_its_timeout_is_a_success_with_a_warning() throws Exception {
        virsh.waitsForAbort("migrate").answers("domjobabort", 1, null, "error: Requested operation is not valid:"
                + " no job is active on the domain\n");
        Migration quick = new Migration("m1", "gpu-vm-1", VM_UUID, "host-a", "host-b", MIGRATION.parents(),
                MIGRATION.types(), Duration.ofMillis(300));

        executor().migrate(quick);

        assertThat(warnings).containsExactly("migration of VM gpu-vm-1 from host-a to host-b did not finish within"
                + " 300ms but completed before it could be aborted");
        assertThat(virsh.calls()).contains(A + "nodedev-destroy mdev_" + OLD_1 + "_0000_3b_00_0")
                .doesNotContain(REMOVE_TARGET_1, REMOVE_TARGET_2);
    }

    @Test
    void a_source_cleanup_that_fails_is_a_warning_not_a_failure() throws Exception {
        // An older libvirt (before 7.7) names mdevs without their parent; the second mdev is gone already.
        virsh.answers("nodedev-list", 0, "mdev_" + OLD_1 + "\n\n", null)
                .answers("nodedev-destroy", 1, null, "error: Failed to destroy node device 'mdev_" + OLD_1 + "'\n");

        LibvirtExecutor.Outcome outcome = executor().migrateReporting(MIGRATION);

        assertThat(outcome.warnings()).containsExactly(
                "VM gpu-vm-1 moved to host-b, but its old mdev on host-a was not removed: mdev "
                        + OLD_1.replace('_', '-') + " could not be removed (`" + virsh.program()
                        + " -c qemu+tls://host-a/system nodedev-destroy mdev_" + OLD_1 + "` exited with status 1: error:"
                        + " Failed to destroy node device 'mdev_" + OLD_1 + "'): remove it with `virsh -c"
                        + " qemu+tls://host-a/system nodedev-destroy mdev_" + OLD_1 + "`",
                "VM gpu-vm-1 moved to host-b, but its old mdev on host-a was not removed: no active mdev "
                        + OLD_2.replace('_', '-') + " is listed on host-a");
        assertThat(warnings).as("migrateReporting leaves printing to its caller").isEmpty();
    }

    @Test
    void migrate_hands_the_warnings_to_the_warning_sink() throws Exception {
        virsh.answers("nodedev-list", 1, null, "error: Failed to list node devices\n");

        executor().migrate(MIGRATION);

        assertThat(warnings).hasSize(2).allMatch(w -> w.contains("could not be looked up")
                && w.contains("error: Failed to list node devices"));
    }

    @Test
    void a_failed_mdev_creation_removes_those_created_before_it_and_migrates_nothing() throws Exception {
        virsh.answers("nodedev-create.2", 1, null, "error: Failed to create node device from /tmp/x.xml\n"
                + "error: internal error: Unable to create mediated device: no available instance\n");

        assertThatThrownBy(() -> executor().migrate(MIGRATION))
                .hasMessageStartingWith("migration of VM gpu-vm-1 from host-a to host-b failed: creating an mdev of type"
                        + " nvidia-232 on pci_0000_d8_00_0 of host-b failed: `")
                .hasMessageEndingWith("exited with status 1: error: Failed to create node device from /tmp/x.xml | error:"
                        + " internal error: Unable to create mediated device: no available instance");
        assertThat(virsh.calls()).containsExactlyElementsOf(calls(READ_AND_CREATE, REMOVE_TARGET_1));
    }

    @Test
    void a_vm_whose_mdevs_differ_from_the_migration_is_refused_before_anything_changes() throws Exception {
        Migration one = new Migration("m1", "gpu-vm-1", VM_UUID, "host-a", "host-b", List.of("0000:3b:00.0"),
                List.of("nvidia-231"), Duration.ofMinutes(5));

        assertThatThrownBy(() -> executor().migrate(one))
                .hasMessage("migration of VM gpu-vm-1 from host-a to host-b failed: VM gpu-vm-1 has 2 mdevs on host-a but"
                        + " the migration gives 1 target devices: the scheduler's view of it is out of date");
        assertThat(virsh.calls()).containsExactlyElementsOf(READ_AND_CREATE.subList(0, 2));
    }

    @Test
    void a_persistent_definition_with_an_mdev_the_running_vm_lacks_is_refused_before_anything_changes()
            throws Exception {
        virsh.answers("dumpxml.2", 0, DomainXmlTest.gpuVm().replace("a7ad2c2e-7a55-4f2c-8c4b-2d6c0e4f9b12",
                "0c9a4c39-0000-4000-8000-000000000001"), null);

        assertThatThrownBy(() -> executor().migrate(MIGRATION))
                .hasMessage("migration of VM gpu-vm-1 from host-a to host-b failed: the persistent definition of VM"
                        + " gpu-vm-1 on host-a names mdev 0c9a4c39-0000-4000-8000-000000000001, which the running VM does"
                        + " not have: its definition and its running state differ");
        assertThat(virsh.calls()).containsExactlyElementsOf(READ_AND_CREATE.subList(0, 2));
    }

    @Test
    void a_domain_with_another_uuid_is_not_the_vm_meant() throws Exception {
        Migration other = new Migration("m1", "gpu-vm-1", "0b9f4a3c-5f0e-4c1d-9a57-3d2f1e6b7a02", "host-a", "host-b",
                MIGRATION.parents(), MIGRATION.types(), Duration.ofMinutes(5));

        assertThatThrownBy(() -> executor().migrate(other))
                .hasMessage("migration of VM gpu-vm-1 from host-a to host-b failed: the domain found on host-a has UUID "
                        + VM_UUID + ", not 0b9f4a3c-5f0e-4c1d-9a57-3d2f1e6b7a02");
        assertThat(virsh.calls()).hasSize(2);
    }

    @Test
    void a_migration_without_the_vm_uuid_names_the_vm_by_name() throws Exception {
        Migration byName = new Migration("m1", "gpu-vm-1", "", "host-a", "host-b", MIGRATION.parents(),
                MIGRATION.types(), Duration.ofMinutes(5));

        executor().migrate(byName);

        assertThat(virsh.calls().get(0)).isEqualTo(A + "dumpxml --migratable gpu-vm-1");
        assertThat(virsh.calls()).contains(MIGRATE.replace(VM_UUID, "gpu-vm-1"));
    }

    @Test
    void parents_that_are_not_pci_and_bad_hosts_are_refused_without_running_virsh() throws Exception {
        Migration ccw = new Migration("m1", "s390-vm", "", "host-a", "host-b", List.of("0.0.0072"),
                List.of("vfio_ccw-io"), Duration.ofMinutes(5));
        Migration badHost = new Migration("m1", "gpu-vm-1", "", "host-a", "host-b/session", MIGRATION.parents(),
                MIGRATION.types(), Duration.ofMinutes(5));
        Migration same = new Migration("m1", "gpu-vm-1", "", "host-a", "host-a", MIGRATION.parents(),
                MIGRATION.types(), Duration.ofMinutes(5));

        assertThatThrownBy(() -> executor().migrate(ccw))
                .hasMessage("migration of VM s390-vm from host-a to host-b failed: parent '0.0.0072' is an s390 channel"
                        + " subsystem device (vfio-ccw): the kernel cannot migrate its state, so the libvirt executor"
                        + " creates mdevs on PCI parents only");
        assertThatThrownBy(() -> executor().migrate(badHost))
                .hasMessage("migration of VM gpu-vm-1 from host-a to host-b/session failed: host 'host-b/session' cannot"
                        + " be put into a libvirt URI: a host name has letters, digits, '.', '-' and '_' only");
        assertThatThrownBy(() -> executor().migrate(same))
                .hasMessage("migration of VM gpu-vm-1 from host-a to host-a failed: source and target are the same host");
        assertThat(virsh.calls()).isEmpty();
    }

    @Test
    void a_stopped_caller_gets_the_migration_aborted_and_the_target_cleaned() throws Exception {
        virsh.waitsForAbort("migrate").answers("migrate", 1, null, "error: operation aborted: migration out job:"
                + " canceled by client\n");
        CountDownLatch migrating = new CountDownLatch(1);
        ProcessRunner runner = new ProcessRunner().tracing(argv -> {
            if (argv.get(3).equals("migrate")) {
                migrating.countDown();
            }
        });
        LibvirtExecutor executor = executor(Duration.ofSeconds(30), List.of(), runner);
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                executor.migrate(MIGRATION);
                thrown.complete(null);
            } catch (Throwable t) {
                thrown.complete(t);
            }
        });
        caller.start();
        assertThat(migrating.await(30, TimeUnit.SECONDS)).isTrue();

        caller.interrupt();

        assertThat(thrown.get(60, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class)
                .hasMessage("migration of VM gpu-vm-1 from host-a to host-b failed: it was stopped; aborted with"
                        + " `virsh domjobabort`; `virsh migrate` ended with status 1: error: operation aborted:"
                        + " migration out job: canceled by client");
        assertThat(virsh.calls()).containsExactlyElementsOf(calls(READ_AND_CREATE, MIGRATE,
                A + "domjobabort " + VM_UUID, REMOVE_TARGET_1, REMOVE_TARGET_2));
    }

    @Test
    void an_upgrade_runs_the_upgrade_command_or_says_to_give_one() throws Exception {
        Path prog = Scripts.write(dir, "upgrade", "printf '%s ' \"$@\" > " + dir.resolve("upgrade.args") + "\n");

        assertThatThrownBy(() -> executor().upgrade(new Upgrade("host-a", "2025.2")))
                .isInstanceOf(ExecutionFailure.class)
                .hasMessage("the libvirt executor does not upgrade hosts itself: give --upgrade-command PROG to upgrade"
                        + " host host-a (run as `PROG upgrade <host> <toRelease>`)");
        executor(Duration.ofSeconds(30), List.of(prog.toString()), new ProcessRunner())
                .upgrade(new Upgrade("host-a", "2025.2"));
        assertThat(Files.readString(dir.resolve("upgrade.args"))).isEqualTo("upgrade host-a 2025.2 ");
        assertThat(virsh.calls()).isEmpty();
    }

    @Test
    void options_are_checked_naming_the_flag() {
        assertThatThrownBy(() -> new LibvirtExecutor.Options("virsh", HostUris.DEFAULT_TEMPLATE, Duration.ZERO,
                Duration.ofSeconds(1), Duration.ofMinutes(1), List.of(), Duration.ofMinutes(1)))
                .hasMessage("--virsh-timeout must be positive, got PT0S");
        assertThatThrownBy(() -> LibvirtExecutor.fromOptions(new LibvirtExecutor.Options("virsh", "qemu:///system",
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(1), List.of(), Duration.ofMinutes(1))))
                .hasMessageStartingWith("--libvirt-uri-template 'qemu:///system' has no {host}");
        assertThat(LibvirtExecutor.fromOptions(LibvirtExecutor.Options.defaults()).name()).isEqualTo("libvirt");
    }
}
