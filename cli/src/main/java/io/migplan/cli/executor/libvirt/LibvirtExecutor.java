package io.migplan.cli.executor.libvirt;

import io.migplan.cli.executor.ExecutionFailure;
import io.migplan.cli.executor.Executor;
import io.migplan.cli.executor.command.CommandExecutor;
import io.migplan.cli.executor.process.Durations;
import io.migplan.cli.executor.process.ProcessResult;
import io.migplan.cli.executor.process.ProcessRunner;
import io.migplan.cli.executor.process.Running;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Live-migrates a VM with mdevs between two KVM hosts through libvirt, by running {@code virsh}
 * (one {@link ProcessRunner}, argument arrays, so every command line can be shown and tested).
 * For a migration of VM {@code vm} from host A to host B, in this order:
 *
 * <ol>
 *   <li>{@code virsh -c A dumpxml --migratable <vm>} and {@code … dumpxml --inactive --migratable
 *       <vm>}: the running VM's XML and its persistent definition. Nothing has changed yet, so a VM
 *       that is not there, or whose mdevs do not match the migration's devices, fails here.
 *   <li>per device, {@code virsh -c B nodedev-create <file>} with a node device XML that creates an
 *       mdev of the device's type on its target parent with a fresh UUID ({@link MdevNodeDevices}).
 *   <li>both XMLs with each mdev's UUID replaced by the new one (in device order), written to a
 *       private temporary folder, and {@code virsh -c A migrate --live --persistent --undefinesource
 *       --xml <live.xml> --persistent-xml <persistent.xml> <vm> <B>}, waited for up to the
 *       migration's timeout. When it is up: {@code virsh -c A domjobabort <vm>}, and {@code virsh
 *       migrate} gets {@link Options#abortGrace} to end; if it does not, it is killed.
 *   <li>after success, the source's mdevs are removed ({@code nodedev-list --cap mdev} on A to find
 *       their node device names from their UUIDs, then {@code nodedev-destroy}); after a failure, the
 *       target's. A cleanup that fails after a successful migration does not fail the migration:
 *       it is a warning in the {@link Outcome} (and on stderr).
 * </ol>
 *
 * <p>The VM is named to virsh by its UUID when the migration carries one (it is the VM's identity),
 * else by its name. Only PCI parents are taken ({@link MdevParents}). The mdevs created on the
 * target are transient, like the ones {@code nodedev-create} makes: they do not outlive the target's
 * next reboot. A persistent definition of a source mdev (mdevctl or {@code nodedev-define}) is
 * stopped, not undefined: this executor did not make it.
 *
 * <p>Upgrades are not libvirt's: {@link #upgrade} runs {@code --upgrade-command} exactly as the
 * command executor does, or fails saying to give one.
 */
public final class LibvirtExecutor implements Executor {
    /** virsh's messages are translated; the executor reads one ("Node device … created from …"). */
    private static final Map<String, String> VIRSH_ENVIRONMENT = Map.of("LC_ALL", "C");

    /**
     * The libvirt executor's settings, one per command-line flag.
     *
     * @param virsh            {@code --virsh}: the virsh program, default {@code virsh} on the PATH
     * @param uriTemplate      {@code --libvirt-uri-template}: a host's libvirt URI with {@code {host}}
     *                         for its name, default {@value HostUris#DEFAULT_TEMPLATE}
     * @param virshTimeout     {@code --virsh-timeout}: how long any virsh call but the migration may take
     * @param abortGrace       {@code --abort-grace}: how long {@code virsh migrate} may take to end after
     *                         {@code domjobabort} before it is killed
     * @param migrationTimeout {@code --migration-timeout}: used when a migration carries no timeout of its own
     * @param upgradeCommand   {@code --upgrade-command}: the program run per upgrade; empty when none
     * @param upgradeTimeout   {@code --upgrade-timeout}: how long that program may run
     */
    public record Options(String virsh, String uriTemplate, Duration virshTimeout, Duration abortGrace,
            Duration migrationTimeout, List<String> upgradeCommand, Duration upgradeTimeout) {
        /** virsh answers a dumpxml or a nodedev call in well under a second; a minute allows a slow TLS handshake. */
        public static final Duration DEFAULT_VIRSH_TIMEOUT = Duration.ofMinutes(1);
        /**
         * After domjobabort libvirt stops the migration job and virsh returns within seconds; a
         * minute allows a source that is slow to resume the guest.
         */
        public static final Duration DEFAULT_ABORT_GRACE = Duration.ofMinutes(1);

        public Options {
            Objects.requireNonNull(virsh, "virsh");
            Objects.requireNonNull(uriTemplate, "uriTemplate");
            upgradeCommand = List.copyOf(upgradeCommand);
            if (virsh.isBlank()) {
                throw new IllegalArgumentException("--virsh names no program");
            }
            positive(virshTimeout, "--virsh-timeout");
            positive(abortGrace, "--abort-grace");
            positive(migrationTimeout, "--migration-timeout");
            positive(upgradeTimeout, "--upgrade-timeout");
        }

        /** The defaults: {@code virsh} on the PATH, {@value HostUris#DEFAULT_TEMPLATE}, no upgrade command. */
        public static Options defaults() {
            return new Options("virsh", HostUris.DEFAULT_TEMPLATE, DEFAULT_VIRSH_TIMEOUT, DEFAULT_ABORT_GRACE,
                    CommandExecutor.Options.DEFAULT_MIGRATION_TIMEOUT, List.of(),
                    CommandExecutor.Options.DEFAULT_UPGRADE_TIMEOUT);
        }

        private static void positive(Duration d, String flag) {
            Objects.requireNonNull(d, flag);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(flag + " must be positive, got " + d);
            }
        }
    }

    /**
     * How a migration that succeeded went.
     *
     * @param warnings sentences about cleanup that did not happen (a source mdev left behind), empty when all went well
     */
    public record Outcome(List<String> warnings) {
        public Outcome {
            warnings = List.copyOf(warnings);
        }
    }

    private final Options options;
    private final HostUris hostUris;
    private final ProcessRunner virshRunner;
    private final Consumer<String> warnings;
    private final CommandExecutor upgrades;

    /** The executor with the options' URI template, virsh run as is, and warnings printed to stderr. */
    public LibvirtExecutor(Options options) {
        this(options, HostUris.template(options.uriTemplate()), new ProcessRunner(),
                w -> System.err.println("warning: " + w));
    }

    /**
     * @param hostUris where each host's libvirt is (the seam for URIs reported by the agents)
     * @param runner   runs virsh and the upgrade command
     * @param warnings told each warning of a successful migration by {@link #migrate}
     */
    public LibvirtExecutor(Options options, HostUris hostUris, ProcessRunner runner, Consumer<String> warnings) {
        this.options = Objects.requireNonNull(options);
        this.hostUris = Objects.requireNonNull(hostUris);
        this.virshRunner = runner.withEnvironment(VIRSH_ENVIRONMENT);
        this.warnings = Objects.requireNonNull(warnings);
        this.upgrades = new CommandExecutor(new CommandExecutor.Options(List.of(), options.upgradeCommand(),
                options.migrationTimeout(), options.upgradeTimeout()), runner);
    }

    /**
     * The executor for {@code --executor libvirt}.
     *
     * @throws IllegalArgumentException with a sentence naming the flag when an option is unusable
     */
    public static LibvirtExecutor fromOptions(Options options) {
        return new LibvirtExecutor(options);
    }

    @Override
    public String name() {
        return "libvirt";
    }

    @Override
    public void migrate(Migration migration) throws ExecutionFailure, InterruptedException {
        migrateReporting(migration).warnings().forEach(warnings);
    }

    /** {@link #migrate}, returning the warnings of a successful migration instead of printing them. */
    public Outcome migrateReporting(Migration migration) throws ExecutionFailure, InterruptedException {
        return new OneMigration(migration).run();
    }

    @Override
    public void upgrade(Upgrade upgrade) throws ExecutionFailure, InterruptedException {
        if (options.upgradeCommand().isEmpty()) {
            throw new ExecutionFailure("the libvirt executor does not upgrade hosts itself: give --upgrade-command"
                    + " PROG to upgrade host " + upgrade.host() + " (run as `PROG upgrade <host> <toRelease>`)");
        }
        upgrades.upgrade(upgrade);
    }

    /** One migration's steps and what they created; one per call, so calls on several threads share nothing. */
    private final class OneMigration {
        private final Migration m;
        private final String what;
        private final Duration timeout;
        /** The mdevs created on the target so far: removed again when the migration fails. */
        private final List<TargetMdev> created = new ArrayList<>();
        private final List<String> warned = new ArrayList<>();
        private String source;
        private String target;
        private String domain;

        OneMigration(Migration m) {
            this.m = m;
            this.what = "migration of VM " + m.vm() + " from " + m.from() + " to " + m.to();
            this.timeout = CommandExecutor.timeoutOf(m, options.migrationTimeout());
        }

        Outcome run() throws ExecutionFailure, InterruptedException {
            List<String> parents = checkDevices();
            source = uri(m.from());
            target = uri(m.to());
            domain = m.vmUuid() == null || m.vmUuid().isBlank() ? m.vm() : m.vmUuid();

            DomainXml live = readDomain(List.of("dumpxml", "--migratable"), "the XML of VM " + m.vm() + " on " + m.from());
            DomainXml persistent = readDomain(List.of("dumpxml", "--inactive", "--migratable"),
                    "the persistent definition of VM " + m.vm() + " on " + m.from());
            List<String> oldUuids = checkDomain(live);
            for (String u : persistent.mdevUuids()) {
                if (!oldUuids.contains(u.toLowerCase(Locale.ROOT))) {
                    throw fail("the persistent definition of VM " + m.vm() + " on " + m.from() + " names mdev " + u
                            + ", which the running VM does not have: its definition and its running state differ");
                }
            }

            Path folder;
            try {
                folder = Files.createTempDirectory("migplan-migrate-");
            } catch (IOException e) {
                throw fail("no temporary folder for the VM's XML could be made (" + e.getMessage() + ")");
            }
            try {
                return migrate(live, persistent, oldUuids, parents, folder);
            } finally {
                deleteQuietly(folder);
            }
        }

        private Outcome migrate(DomainXml live, DomainXml persistent, List<String> oldUuids, List<String> parents,
                Path folder) throws ExecutionFailure, InterruptedException {
            Map<String, String> newByOld = new HashMap<>();
            try {
                for (int i = 0; i < parents.size(); i++) {
                    String uuid = UUID.randomUUID().toString();
                    createTargetMdev(parents.get(i), m.types().get(i), uuid, folder.resolve("mdev-" + i + ".xml"));
                    newByOld.put(oldUuids.get(i), uuid);
                }
                Path liveXml = write(folder.resolve("domain.xml"),
                        live.withMdevUuids(newByOld, "the XML of VM " + m.vm()));
                Path persistentXml = write(folder.resolve("domain-persistent.xml"),
                        persistent.withMdevUuids(newByOld, "the persistent definition of VM " + m.vm()));
                runMigration(liveXml, persistentXml);
            } catch (ExecutionFailure failure) {
                String message = failure.getMessage() + removeTargetMdevs();
                if (Thread.interrupted()) {
                    // The caller stopped it (the migration was aborted, see runMigration): say so its way.
                    throw new InterruptedException(message);
                }
                throw new ExecutionFailure(message, failure.getCause());
            } catch (InterruptedException stop) {
                removeTargetMdevs();
                throw stop;
            }
            removeSourceMdevs(oldUuids);
            return new Outcome(warned);
        }

        /** The target parents' node device names; refuses devices the executor cannot create. */
        private List<String> checkDevices() throws ExecutionFailure {
            if (m.parents().size() != m.types().size()) {
                throw fail("it gives " + m.parents().size() + " target parents but " + m.types().size() + " mdev types");
            }
            if (m.from().equals(m.to())) {
                throw fail("source and target are the same host");
            }
            List<String> nodes = new ArrayList<>();
            for (String parent : m.parents()) {
                try {
                    nodes.add(MdevParents.nodeDeviceName(parent));
                } catch (ExecutionFailure e) {
                    throw fail(e.getMessage());
                }
            }
            return nodes;
        }

        /** The running VM's mdev UUIDs, after checking it is the VM meant and has the devices the migration moves. */
        private List<String> checkDomain(DomainXml live) throws ExecutionFailure {
            if (m.vmUuid() != null && !m.vmUuid().isBlank() && !live.uuid().equalsIgnoreCase(m.vmUuid().strip())) {
                throw fail("the domain found on " + m.from() + " has UUID " + live.uuid() + ", not " + m.vmUuid());
            }
            List<String> uuids = new ArrayList<>();
            for (String u : live.mdevUuids()) {
                uuids.add(MdevNodeDevices.checkedUuid(u));
            }
            if (uuids.size() != m.parents().size()) {
                throw fail("VM " + m.vm() + " has " + uuids.size() + " mdevs on " + m.from() + " but the migration gives "
                        + m.parents().size() + " target devices: the scheduler's view of it is out of date");
            }
            if (new HashSet<>(uuids).size() != uuids.size()) {
                throw fail("VM " + m.vm() + " names one mdev twice in its XML on " + m.from());
            }
            return uuids;
        }

        private DomainXml readDomain(List<String> dump, String xmlName) throws ExecutionFailure, InterruptedException {
            List<String> args = new ArrayList<>(dump);
            args.add(domain);
            ProcessResult r = virsh(source, args);
            if (!r.succeeded()) {
                throw fail(r.failure(options.virshTimeout()));
            }
            try {
                return DomainXml.parse(r.stdout(), xmlName);
            } catch (ExecutionFailure e) {
                throw fail(e.getMessage());
            }
        }

        private void createTargetMdev(String parent, String type, String uuid, Path file)
                throws ExecutionFailure, InterruptedException {
            String xml;
            try {
                xml = MdevNodeDevices.createXml(parent, type, uuid);
            } catch (ExecutionFailure e) {
                throw fail(e.getMessage());
            }
            write(file, xml);
            ProcessResult r = virsh(target, List.of("nodedev-create", file.toString()));
            if (!r.succeeded()) {
                if (r.timedOut()) {
                    // It may have been created before virsh was killed: look for it when cleaning up.
                    created.add(new TargetMdev(uuid, null));
                }
                throw fail("creating an mdev of type " + type + " on " + parent + " of " + m.to() + " failed: "
                        + r.failure(options.virshTimeout()));
            }
            created.add(new TargetMdev(uuid, MdevNodeDevices.createdName(r.stdout()).orElse(null)));
        }

        private void runMigration(Path liveXml, Path persistentXml) throws ExecutionFailure, InterruptedException {
            List<String> argv = virshArgv(source, List.of("migrate", "--live", "--persistent", "--undefinesource",
                    "--xml", liveXml.toString(), "--persistent-xml", persistentXml.toString(), domain, target));
            Running running;
            try {
                running = virshRunner.start(argv, new byte[0]);
            } catch (IOException e) {
                throw fail(cannotStart(e));
            }
            ProcessResult r;
            boolean interrupted = false;
            try {
                r = running.await(timeout);
            } catch (InterruptedException e) {
                interrupted = true;
                r = null;
            }
            if (r != null) {
                if (r.exitCode() != 0) {
                    throw fail(r.failure(timeout));
                }
                return;
            }
            String why = interrupted ? "was stopped" : "did not finish within " + Durations.format(timeout);
            try {
                abandon(running, why);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            // abandon returned: the VM moved after all, which is the truth to report even to a caller
            // that is stopping (its interrupt is kept for it to see).
        }

        /**
         * Aborts a migration that runs too long: domjobabort, a grace for virsh migrate to end, then
         * kill. Returns only when the VM did move after all (the job ended before the abort reached it).
         */
        private void abandon(Running running, String why) throws ExecutionFailure {
            Thread.interrupted(); // the abort and the cleanup must run even when the caller stops
            String abort;
            try {
                ProcessResult a = virsh(source, List.of("domjobabort", domain));
                abort = a.succeeded() ? "aborted with `virsh domjobabort`"
                        : "`virsh domjobabort` did not abort it (" + a.failure(options.virshTimeout()) + ")";
            } catch (ExecutionFailure e) {
                abort = "`virsh domjobabort` could not be run (" + e.getMessage() + ")";
            } catch (InterruptedException e) {
                abort = "`virsh domjobabort` was interrupted";
            }
            ProcessResult r;
            try {
                r = running.await(options.abortGrace());
            } catch (InterruptedException e) {
                r = null;
            }
            if (r != null && r.exitCode() == 0) {
                warned.add(what + " " + why + " but completed before it could be aborted");
                return;
            }
            if (r != null) {
                throw fail("it " + why + "; " + abort + "; `virsh migrate` ended with status " + r.exitCode()
                        + (r.stderrTail(3).isEmpty() ? "" : ": " + r.stderrTail(3)));
            }
            running.kill();
            String state = whereIsTheVm();
            if (state != null) {
                created.clear(); // in use on the target, or about to be: never removed under a VM
                throw fail("it " + why + "; " + abort + ", but `virsh migrate` did not end within "
                        + Durations.format(options.abortGrace()) + " and was killed; VM " + m.vm() + " exists on "
                        + m.to() + " (" + state + "), so the mdevs created there are left: where it runs is"
                        + " settled from what the agents see");
            }
            throw fail("it " + why + "; " + abort + ", but `virsh migrate` did not end within "
                    + Durations.format(options.abortGrace()) + " and was killed; VM " + m.vm() + " is not on " + m.to());
        }

        /** The VM's state on the target ("running", "paused"), or null when the target does not have it. */
        private String whereIsTheVm() throws ExecutionFailure {
            try {
                ProcessResult r = virsh(target, List.of("domstate", domain));
                if (r.succeeded()) {
                    return r.stdout().strip();
                }
                if (r.stderr().contains("failed to get domain") || r.stderr().contains("Domain not found")) {
                    return null;
                }
                // The target cannot say: assume the VM may be there and touch nothing of it.
                return "unknown: " + r.failure(options.virshTimeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown: interrupted while asking";
            }
        }

        /** Removes what was created on the target; "" when all went, else a sentence to append to the failure. */
        private String removeTargetMdevs() {
            boolean interrupted = Thread.interrupted();
            List<String> problems = new ArrayList<>();
            try {
                for (TargetMdev mdev : created) {
                    String problem = destroy(target, m.to(), mdev.uuid(), mdev.name(), null);
                    if (problem != null) {
                        problems.add(problem);
                    }
                }
                created.clear();
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            return problems.isEmpty() ? "" : "; cleanup on " + m.to() + " failed too: " + String.join("; ", problems);
        }

        private void removeSourceMdevs(List<String> uuids) {
            boolean interrupted = Thread.interrupted();
            try {
                Listing listing = listMdevs(source);
                for (String uuid : uuids) {
                    String problem = destroy(source, m.from(), uuid, null, listing);
                    if (problem != null) {
                        warned.add("VM " + m.vm() + " moved to " + m.to() + ", but its old mdev on " + m.from()
                                + " was not removed: " + problem);
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** The active mdevs' node device names on a host ({@code nodedev-list --cap mdev}), or why there are none. */
        private Listing listMdevs(String uri) {
            try {
                ProcessResult list = rawVirsh(uri, List.of("nodedev-list", "--cap", "mdev"));
                return list.succeeded() ? new Listing(list.stdout(), null)
                        : new Listing(null, "could not be looked up: " + list.failure(options.virshTimeout()));
            } catch (IOException e) {
                return new Listing(null, "could not be looked up: " + cannotStart(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Listing(null, "could not be looked up: interrupted");
            }
        }

        /**
         * Removes the mdev {@code uuid} on a host: by {@code name} when virsh reported it, else the one
         * active node device of {@code listing} named after the UUID (listed now when null). Returns
         * null when it went, else why not.
         */
        private String destroy(String uri, String host, String uuid, String name, Listing listing) {
            String node = name;
            if (node == null) {
                Listing l = listing != null ? listing : listMdevs(uri);
                if (l.problem() != null) {
                    return "mdev " + uuid + " " + l.problem();
                }
                List<String> named;
                try {
                    named = MdevNodeDevices.named(l.names(), uuid);
                } catch (ExecutionFailure e) {
                    return e.getMessage();
                }
                if (named.isEmpty()) {
                    return "no active mdev " + uuid + " is listed on " + host;
                }
                if (named.size() > 1) {
                    return "several node devices are mdev " + uuid + " on " + host + " (" + String.join(", ", named)
                            + "), none was removed";
                }
                node = named.get(0);
            }
            String byHand = ": remove it with `virsh -c " + uri + " nodedev-destroy " + node + "`";
            try {
                ProcessResult r = rawVirsh(uri, List.of("nodedev-destroy", node));
                return r.succeeded() ? null
                        : "mdev " + uuid + " could not be removed (" + r.failure(options.virshTimeout()) + ")" + byHand;
            } catch (IOException e) {
                return "mdev " + uuid + " could not be removed (" + cannotStart(e) + ")" + byHand;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "removing mdev " + uuid + " was interrupted" + byHand;
            }
        }

        private ProcessResult virsh(String uri, List<String> args) throws ExecutionFailure, InterruptedException {
            try {
                return rawVirsh(uri, args);
            } catch (IOException e) {
                throw fail(cannotStart(e));
            }
        }

        private ProcessResult rawVirsh(String uri, List<String> args) throws IOException, InterruptedException {
            return virshRunner.run(virshArgv(uri, args), options.virshTimeout());
        }

        private List<String> virshArgv(String uri, List<String> args) {
            List<String> argv = new ArrayList<>(List.of(options.virsh(), "-c", uri));
            argv.addAll(args);
            return argv;
        }

        private String cannotStart(IOException e) {
            return "`" + options.virsh() + "` could not be started (" + e.getMessage() + "); is libvirt-clients"
                    + " installed, or --virsh set?";
        }

        private String uri(String host) throws ExecutionFailure {
            try {
                return hostUris.uriOf(host);
            } catch (IllegalArgumentException e) {
                throw fail(e.getMessage());
            }
        }

        private Path write(Path file, String text) throws ExecutionFailure {
            try {
                return Files.writeString(file, text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw fail(file + " could not be written (" + e.getMessage() + ")");
            }
        }

        /** A failure of this migration: "migration of VM x from a to b failed: " and why. */
        private ExecutionFailure fail(String why) {
            String prefix = what + " failed: ";
            return new ExecutionFailure(why.startsWith(prefix) ? why : prefix + why);
        }
    }

    /** {@code nodedev-list --cap mdev}'s output, or why it could not be had. */
    private record Listing(String names, String problem) {
    }

    /** An mdev created on the target; {@code name} is null when virsh did not say it. */
    private record TargetMdev(String uuid, String name) {
    }

    private static void deleteQuietly(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary folder left behind holds only the VM's XML; the system's temp cleaning takes it.
        }
    }
}
