package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.planner.CampaignProblem.CampaignVm;
import io.migplan.scheduler.campaign.planner.CampaignProblem.Eligibility;
import io.migplan.scheduler.campaign.planner.CampaignProblem.HostView;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.snapshot.VmRecord;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A campaign's eligibility with each answer worked out once per kind of VM and target. The
 * planner asks for every VM of a batch and every target with room, round after round (about
 * 10^8 questions at 1,000 hosts); the rule reads the target's state, release and types and the
 * verdict of each device, which cost several times what the planner spends around it. The answer
 * depends on the VM only through its {@link VmFacts} (its devices' types, signatures and boards,
 * the source's release), and a fleet has a few dozen kinds of those, so answers are kept per
 * facts and target as the target is then ({@link HostView}: id, release, board).
 *
 * <p>Bounded by the problem: at most (kinds of facts) × hosts × releases answers, dropped with the
 * plan. Safe to share between threads; the planner asks from one.
 */
final class MemoisedEligibility implements Eligibility {

    /** One device as eligibility reads it: its type, its state's signature, the board it is on now. */
    record Device(String type, String signature, String sourceBoard) {
    }

    /**
     * What eligibility reads of a VM on its source host: VMs with equal facts get the same answer
     * for every target. {@code unresolved}: the scheduler does not know the VM or could not resolve
     * its devices, so it goes nowhere.
     */
    record VmFacts(boolean unresolved, String sourceRelease, List<Device> devices, Set<String> types) {
    }

    /** The rule itself, for one VM's facts and one target. */
    @FunctionalInterface
    interface Rule {
        boolean allows(VmFacts facts, HostView target);
    }

    /** The VM last asked about, from which source, with its facts and their answers. */
    private record Last(CampaignVm vm, HostView source, VmFacts facts, Map<HostView, Boolean> answers) {
    }

    private final Map<String, HostEntry> up;
    private final Map<String, VmRecord> records;
    private final Rule rule;
    private final Map<VmFacts, Map<HostView, Boolean>> answers = new ConcurrentHashMap<>();
    /** The planner asks about one VM for every target in a row: its facts are looked up once for them all. */
    private volatile Last last;

    /**
     * @param up      the hosts that are up, by id (a source's boards are read from its parents)
     * @param records the VMs by UUID
     */
    MemoisedEligibility(Map<String, HostEntry> up, Map<String, VmRecord> records, Rule rule) {
        this.up = up;
        this.records = records;
        this.rule = rule;
    }

    @Override
    public boolean allows(CampaignVm vm, HostView source, HostView target) {
        Last l = last(vm, source);
        Boolean known = l.answers().get(target);
        if (known == null) {
            known = rule.allows(l.facts(), target);
            l.answers().put(target, known);
        }
        return known;
    }

    /** The VM's facts: every target answers VMs of equal facts alike. */
    @Override
    public Object kind(CampaignVm vm, HostView source) {
        return last(vm, source).facts();
    }

    private Last last(CampaignVm vm, HostView source) {
        Last l = last;
        if (l == null || l.vm() != vm || l.source() != source) {
            VmFacts facts = facts(vm, source);
            l = new Last(vm, source, facts, answers.computeIfAbsent(facts, f -> new ConcurrentHashMap<>()));
            last = l;
        }
        return l;
    }

    /** The VM's facts on {@code source}: each device's board is its parent's there, else the source's board. */
    VmFacts facts(CampaignVm vm, HostView source) {
        VmRecord record = records.get(vm.uuid());
        if (record == null || record.unresolved() != null) {
            return new VmFacts(true, source.release(), List.of(), Set.of());
        }
        HostEntry s = up.get(source.id());
        List<Device> devices = new ArrayList<>();
        Set<String> types = new LinkedHashSet<>();
        for (DeviceRequest d : record.devices()) {
            String board = s == null ? source.deviceGroup() : CampaignProblemBuilder.boardOf(s, d.sourceParent());
            devices.add(new Device(d.typeId(), d.sourceSignature(), board));
            types.add(d.typeId());
        }
        return new VmFacts(false, source.release(), List.copyOf(devices), Set.copyOf(types));
    }
}
