package io.migplan.scheduler.campaign.planner;

import io.migplan.scheduler.snapshot.Releases;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.DeviceSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.HostSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One rolling-upgrade question, complete in itself: the fleet as it is now, the release step and
 * the hosts to upgrade, and which moves are allowed. The campaign planner reads nothing else.
 *
 * <p>Hosts are {@link HostSpec}s describing each host with ALL its VMs (used CPU, memory and
 * device instances include them); a host's device group is the board of its first parent, or
 * the empty string for a host without GPUs.
 *
 * @param hosts       every host of the fleet, in scope or not
 * @param vms         every VM of the fleet, with where its devices live
 * @param fromRelease the release the hosts in scope run now
 * @param toRelease   the release they are upgraded to: newer, or older for a rollback ({@link #backward()})
 * @param scope       the hosts to upgrade; all at {@code fromRelease}
 * @param eligibility which moves are allowed, given the releases the hosts run at that point
 */
public record CampaignProblem(String id, List<HostSpec> hosts, List<CampaignVm> vms, String fromRelease,
        String toRelease, Set<String> scope, Eligibility eligibility) {

    public CampaignProblem {
        Objects.requireNonNull(id, "id");
        hosts = List.copyOf(hosts);
        vms = List.copyOf(vms);
        scope = Set.copyOf(scope);
        Objects.requireNonNull(eligibility, "eligibility");
        if (Releases.compare(toRelease, fromRelease) == 0) {
            throw new IllegalArgumentException("a campaign changes the release: " + fromRelease + " -> " + toRelease);
        }
        Map<String, String> releases = new HashMap<>();
        hosts.forEach(h -> releases.put(h.id(), h.release()));
        for (String h : scope) {
            if (!releases.containsKey(h)) {
                throw new IllegalArgumentException("host in scope is not in the fleet: " + h);
            }
            if (Releases.compare(releases.get(h), fromRelease) != 0) {
                throw new IllegalArgumentException("host in scope " + h + " runs " + releases.get(h) + ", not "
                        + fromRelease);
            }
        }
        for (CampaignVm vm : vms) {
            if (!releases.containsKey(vm.host())) {
                throw new IllegalArgumentException(vm.name() + " runs on a host not in the fleet: " + vm.host());
            }
        }
    }

    /** Whether the campaign goes back to an older release (a rollback). */
    public boolean backward() {
        return backward(fromRelease, toRelease);
    }

    /** Whether a campaign from {@code from} to {@code to} goes back to an older release. */
    public static boolean backward(String from, String to) {
        return Releases.compare(to, from) < 0;
    }

    /**
     * Whether a host at {@code release} has got where a campaign from {@code from} to {@code to}
     * takes hosts: at {@code to} or beyond it in the campaign's direction (newer for an upgrade,
     * older for a rollback). The one reading of "already upgraded" for the planner and the runner.
     */
    public static boolean reached(String release, String from, String to) {
        int c = Releases.compare(release, to);
        return backward(from, to) ? c <= 0 : c >= 0;
    }

    /**
     * A VM where it runs now.
     *
     * @param uuid    its libvirt domain UUID: the VM's identity, unique in the fleet
     * @param name    its name, for display: VMs on different hosts may share one
     * @param parents per device, the parent address it lives on (a VF for SR-IOV boards)
     */
    public record CampaignVm(String uuid, String name, String host, int vcpus, long memoryMib, List<DeviceSpec> devices,
            List<String> parents, String antiAffinityGroup) {
        public CampaignVm {
            devices = List.copyOf(devices);
            parents = List.copyOf(parents);
            antiAffinityGroup = antiAffinityGroup == null ? "" : antiAffinityGroup;
            if (devices.size() != parents.size()) {
                throw new IllegalArgumentException(name + ": one parent per device");
            }
        }
    }

    /** A host as eligibility sees it at one point of the campaign: its release then. */
    public record HostView(String id, String release, String deviceGroup, String failureDomain) {
    }

    /**
     * Whether a VM may live-migrate from one host to another, both at the releases they run at
     * that point of the campaign. Capacity is not its business: the planner checks room itself.
     * In the scheduler this comes from the filters and the compatibility matrix (with verdicts
     * assumed forward N -> N+1 until a canary is probed); {@link #sameBoardNotOlder()} is the
     * release policy's expectation alone.
     */
    @FunctionalInterface
    public interface Eligibility {
        boolean allows(CampaignVm vm, HostView source, HostView target);

        /**
         * What of {@code vm} on {@code source} the answer depends on: two VMs of equal kinds get the
         * same answer for every target, so the planner works out the candidates of a kind once for
         * all its VMs (with the same demands). By default the VM itself: no two VMs share.
         */
        default Object kind(CampaignVm vm, HostView source) {
            return vm;
        }

        /**
         * GPU VMs stay on their board (device group), every VM only moves to a release not
         * older than its host's: the generated fleets' rule.
         */
        static Eligibility sameBoardNotOlder() {
            // A campaign asks this for every VM and host; the fleet has a handful of releases.
            Map<String, Boolean> notOlder = new ConcurrentHashMap<>();
            return new Eligibility() {
                @Override
                public boolean allows(CampaignVm vm, HostView source, HostView target) {
                    return (vm.devices().isEmpty() || source.deviceGroup().equals(target.deviceGroup()))
                            && notOlder.computeIfAbsent(target.release() + '\u0000' + source.release(),
                                    k -> Releases.compare(target.release(), source.release()) >= 0);
                }

                @Override
                public Object kind(CampaignVm vm, HostView source) {
                    return List.of(vm.devices().isEmpty(), source.deviceGroup(), source.release());
                }
            };
        }
    }
}
