package io.migplan.cli.executor;

import java.time.Duration;
import java.util.List;

/**
 * Carries out what a campaign or an evacuation hands out: a migration of one VM to the target
 * host and parents the scheduler chose, and the upgrade of a host proven empty. One interface,
 * chosen by {@code --executor}: {@code simulator}, {@code libvirt}, {@code command}.
 *
 * <p>An executor is called from several threads at once (one per migration in flight), so an
 * implementation keeps no per-call state in fields. It never decides anything: where a VM goes,
 * and whether a host may be upgraded, is the scheduler's. It reports what happened, truthfully:
 * {@link #migrate} returns only once the VM runs on the target, and throws
 * {@link ExecutionFailure} when it does not (the caller reports the migration failed with that
 * reason, and the scheduler settles it from what the agents see).
 */
public interface Executor extends AutoCloseable {

    /** The name {@code --executor} chooses it by. */
    String name();

    /**
     * Moves one VM; returns once it runs on {@code migration.to()}.
     *
     * @throws ExecutionFailure with a sentence saying what went wrong, when the VM did not move
     *                          (or it is not known whether it moved: the scheduler settles it)
     * @throws InterruptedException when the caller stops; an implementation aborts what it started
     */
    void migrate(Migration migration) throws ExecutionFailure, InterruptedException;

    /**
     * Starts the upgrade of a host the scheduler handed out (proven empty). Returns once the upgrade
     * has been started or done; the campaign completes the host when its agent reports the new release.
     */
    void upgrade(Upgrade upgrade) throws ExecutionFailure, InterruptedException;

    @Override
    default void close() {
    }

    /**
     * One migration as the scheduler issued it.
     *
     * @param id      the migration's id in its campaign or evacuation
     * @param vm      the VM's name (libvirt domain name)
     * @param vmUuid  the VM's libvirt UUID, its identity
     * @param from    the source host
     * @param to      the target host
     * @param parents per device, the target parent (PCI address) to create the mdev on
     * @param types   per device, the mdev type to create
     * @param timeout how long the migration may take before it is aborted
     */
    record Migration(String id, String vm, String vmUuid, String from, String to, List<String> parents,
            List<String> types, Duration timeout) {
        public Migration {
            parents = List.copyOf(parents);
            types = List.copyOf(types);
        }
    }

    /**
     * A host to upgrade.
     *
     * @param host      the host
     * @param toRelease the release the campaign upgrades to
     */
    record Upgrade(String host, String toRelease) {
    }
}
