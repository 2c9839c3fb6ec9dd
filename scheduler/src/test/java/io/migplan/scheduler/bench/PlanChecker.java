package io.migplan.scheduler.bench;

import io.migplan.proto.v1.CapacityRule;
import io.migplan.proto.v1.TypeDemand;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan.Migration;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.HostSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.ParentSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.VmSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a plan against its problem without the planners' code: its own arithmetic from the
 * problem records (CPU, memory, NVIDIA equal size per GPU, one vGPU per VF and equal size per
 * physical function, independent counts, anti-affinity), eligibility, and completeness. Every
 * broken rule is a sentence; an empty list means the plan is sound.
 */
public final class PlanChecker {

    private PlanChecker() {
    }

    public static List<String> violations(EvacuationProblem problem, EvacuationPlan plan) {
        List<String> out = new ArrayList<>();
        Map<String, HostSpec> hosts = new HashMap<>();
        problem.hosts().forEach(h -> hosts.put(h.id(), h));
        Map<String, VmSpec> vms = new HashMap<>();
        problem.vms().forEach(v -> vms.put(v.name(), v));

        Set<String> seen = new HashSet<>();
        plan.migrations().forEach(m -> {
            if (!seen.add(m.vm())) {
                out.add(m.vm() + " appears twice");
            }
        });
        plan.unplaced().forEach(u -> {
            if (!seen.add(u.vm())) {
                out.add(u.vm() + " appears twice");
            }
            if (u.reasons().isEmpty()) {
                out.add(u.vm() + " is unplaced without a reason");
            }
        });
        vms.keySet().stream().filter(v -> !seen.contains(v)).sorted().forEach(v -> out.add(v + " is missing"));

        Map<String, Integer> cpus = new HashMap<>();
        Map<String, Long> memory = new HashMap<>();
        Map<String, List<String>> groups = new HashMap<>();
        Map<String, List<String[]>> onParent = new HashMap<>();
        for (Migration m : plan.migrations()) {
            VmSpec vm = vms.get(m.vm());
            HostSpec host = hosts.get(m.to());
            if (host == null || problem.evacuating().contains(m.to())) {
                out.add(m.vm() + " goes to " + m.to() + ", which is not a target");
                continue;
            }
            if (vm.eligible().stream().noneMatch(t -> t.host().equals(m.to()))) {
                out.add(m.vm() + " goes to " + m.to() + ", which was not eligible for it");
            }
            cpus.merge(m.to(), vm.vcpus(), Integer::sum);
            memory.merge(m.to(), vm.memoryMib(), Long::sum);
            if (!vm.antiAffinityGroup().isEmpty()) {
                groups.computeIfAbsent(m.to() + "|" + vm.antiAffinityGroup(), k -> new ArrayList<>()).add(m.vm());
            }
            for (int i = 0; i < m.devices().size(); i++) {
                onParent.computeIfAbsent(m.to() + "|" + m.devices().get(i), k -> new ArrayList<>())
                        .add(new String[] {vm.devices().get(i).typeId(), m.vm()});
            }
        }
        cpus.forEach((h, n) -> {
            HostSpec host = hosts.get(h);
            if (host.usedCpus() + n > host.allocatableCpus()) {
                out.add("host " + h + ": " + (host.usedCpus() + n - host.allocatableCpus()) + " vCPUs over");
            }
        });
        memory.forEach((h, n) -> {
            HostSpec host = hosts.get(h);
            if (host.usedMemoryMib() + n > host.allocatableMemoryMib()) {
                out.add("host " + h + ": " + (host.usedMemoryMib() + n - host.allocatableMemoryMib()) + " MiB over");
            }
        });
        groups.forEach((key, names) -> {
            String[] hg = key.split("\\|", 2);
            int residents = hosts.get(hg[0]).antiAffinityGroups().getOrDefault(hg[1], 0);
            if (names.size() + residents > 1) {
                out.add("host " + hg[0] + ": anti-affinity group " + hg[1] + " has " + names + " and " + residents
                        + " resident(s)");
            }
        });
        checkDevices(hosts, onParent, out);
        return out;
    }

    private static void checkDevices(Map<String, HostSpec> hosts, Map<String, List<String[]>> onParent,
            List<String> out) {
        // Physical function -> (framebuffer sizes, count) over its VFs, for SR-IOV.
        Map<String, Set<Long>> pfSizes = new HashMap<>();
        Map<String, Integer> pfCount = new HashMap<>();
        Map<String, Integer> pfLimit = new HashMap<>();
        for (var e : onParent.entrySet()) {
            String[] hp = e.getKey().split("\\|", 2);
            HostSpec host = hosts.get(hp[0]);
            ParentSpec parent = host.parents().stream().filter(p -> p.address().equals(hp[1])).findFirst()
                    .orElse(null);
            if (parent == null) {
                out.add("host " + hp[0] + ": no parent " + hp[1]);
                continue;
            }
            var c = parent.capacity();
            List<String[]> placed = e.getValue();
            Set<Long> sizes = new HashSet<>();
            int limit = Integer.MAX_VALUE;
            for (String[] p : placed) {
                TypeDemand d = c.getDemandMap().get(p[0]);
                sizes.add(d == null ? 0L : d.getResourcesMap().getOrDefault("framebuffer_mib", 0L));
                limit = Math.min(limit, d == null ? parent.available().getOrDefault(p[0], 0) + c.getUsedInstances()
                        : d.getMaxInstances());
            }
            if (c.getLockedFramebufferMib() > 0) {
                sizes.add(c.getLockedFramebufferMib());
            }
            if (c.getRule() == CapacityRule.CAPACITY_RULE_NVIDIA_EQUAL_SIZE) {
                if (sizes.size() > 1) {
                    out.add("host " + hp[0] + ": GPU " + hp[1] + " would mix framebuffer sizes " + sizes);
                }
                if (c.getUsedInstances() + placed.size() > limit) {
                    out.add("host " + hp[0] + ": GPU " + hp[1] + " over max_instance " + limit);
                }
            } else if (c.getRule() == CapacityRule.CAPACITY_RULE_ONE_PER_VF) {
                if (c.getUsedInstances() + placed.size() > 1) {
                    out.add("host " + hp[0] + ": VF " + hp[1] + " would hold " + (c.getUsedInstances() + placed.size())
                            + " vGPUs");
                }
                String pf = hp[0] + "|" + c.getGroup();
                pfSizes.computeIfAbsent(pf, k -> new HashSet<>()).addAll(sizes);
                pfCount.merge(pf, placed.size(), Integer::sum);
                pfLimit.merge(pf, limit, Math::min);
            } else {
                for (String[] p : placed) {
                    long n = placed.stream().filter(x -> x[0].equals(p[0])).count();
                    if (n > parent.available().getOrDefault(p[0], 0)) {
                        out.add("host " + hp[0] + ": " + hp[1] + " has " + n + " new " + p[0] + ", more than free");
                    }
                }
            }
        }
        pfSizes.forEach((pf, sizes) -> {
            String[] hg = pf.split("\\|", 2);
            HostSpec host = hosts.get(hg[0]);
            int used = host.parents().stream().filter(p -> p.capacity().getGroup().equals(hg[1]))
                    .mapToInt(p -> p.capacity().getUsedInstances()).sum();
            if (sizes.size() > 1) {
                out.add("host " + hg[0] + ": GPU " + hg[1] + " would mix framebuffer sizes " + sizes);
            }
            if (used + pfCount.get(pf) > pfLimit.get(pf)) {
                out.add("host " + hg[0] + ": GPU " + hg[1] + " over max_instance " + pfLimit.get(pf));
            }
        });
    }
}
