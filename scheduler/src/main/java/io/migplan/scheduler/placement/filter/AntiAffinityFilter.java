package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.error.Rejection;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.HostView.GroupMember;
import io.migplan.scheduler.snapshot.PlacementRequest;
import java.util.List;

/**
 * VMs of one anti-affinity group never share a host: a target that already runs a VM of the
 * moving VM's group is rejected with {@code ANTI_AFFINITY}, naming that VM. A VM without a
 * group passes everywhere. The group comes from the VM's libvirt metadata, through its agent.
 */
public final class AntiAffinityFilter implements HostFilter {

    public static final String ANTI_AFFINITY = "ANTI_AFFINITY";

    static final String TALLY = "anti-affinity";

    @Override
    public List<Rejection> filter(PlacementRequest request, HostView host) {
        GroupMember member = otherMember(request, host);
        if (member == null) {
            return List.of();
        }
        return List.of(new Rejection(ANTI_AFFINITY, "host " + host.id() + " already runs VM " + member.name()
                + " of anti-affinity group " + request.antiAffinityGroup(), TALLY));
    }

    @Override
    public void tally(PlacementRequest request, HostView host, Tally out) {
        if (otherMember(request, host) != null) {
            out.add(ANTI_AFFINITY, TALLY);
        }
    }

    /**
     * The VM of the request's group that the host runs, other than the VM itself (by UUID: another
     * VM may carry its name); null when none.
     */
    private static GroupMember otherMember(PlacementRequest request, HostView host) {
        String group = request.antiAffinityGroup();
        if (group == null || group.isEmpty()) {
            return null;
        }
        GroupMember member = host.antiAffinityGroups().get(group);
        return member == null || member.uuid().equals(request.vmUuid()) ? null : member;
    }
}
