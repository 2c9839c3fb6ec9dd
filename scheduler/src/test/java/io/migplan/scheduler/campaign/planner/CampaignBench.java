package io.migplan.scheduler.campaign.planner;

import io.migplan.scheduler.bench.Fleet;
import io.migplan.scheduler.bench.FleetGenerator;
import io.migplan.scheduler.campaign.planner.CampaignProblem.CampaignVm;
import io.migplan.scheduler.campaign.planner.CampaignProblem.Eligibility;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.DeviceSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.HostSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Campaign benchmark: a generated fleet (see {@link FleetGenerator}) plus one empty spare host of
 * the older release per board, every host of the older release in scope. Prints plan time and
 * the campaign's migrations per VM against the naive order's. Not a test; see
 * docs/campaign-planner.md for the command.
 *
 * <p>Arguments: {@code --hosts 1000}, {@code --seed 42}, {@code --policy 20,2,2,2,40,0}
 * (maxHostsInMaintenance, maxPerFailureDomain, maxOutbound, maxInbound, maxParallel, headroom%).
 */
public final class CampaignBench {

    private CampaignBench() {
    }

    public static void main(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int hosts = Integer.parseInt(opts.getOrDefault("hosts", "1000"));
        long seed = Long.parseLong(opts.getOrDefault("seed", "42"));
        int[] p = java.util.Arrays.stream(opts.getOrDefault("policy", "20,2,2,2,40,0").split(","))
                .mapToInt(Integer::parseInt).toArray();
        CampaignPolicy policy = new CampaignPolicy(p[0], p[1], p[2], p[3], p[4], p[5]);

        // A small campaign first, so the timed one runs on compiled code and built solver factories.
        new CampaignPlanner().plan(problem(FleetGenerator.generate(60, seed + 1), "warm"), policy);

        Fleet fleet = FleetGenerator.generate(hosts, seed);
        CampaignProblem problem = problem(fleet, "bench");
        CampaignPlanner.BatchPlanner solver = CampaignPlanner.optaPlanner();
        long[] solving = {0, 0};
        CampaignPlanner.BatchPlanner timed = (evacuation, limits) -> {
            long t = System.nanoTime();
            try {
                return solver.plan(evacuation, limits);
            } finally {
                solving[0] += System.nanoTime() - t;
                solving[1]++;
            }
        };
        long start = System.nanoTime();
        CampaignPlan plan = new CampaignPlanner(timed).plan(problem, policy);
        long millis = (System.nanoTime() - start) / 1_000_000;
        CampaignPlan.Metrics m = plan.metrics();
        System.out.printf("hosts %d (in scope %d), VMs %d, policy %s%n", problem.hosts().size(),
                problem.scope().size(), problem.vms().size(), policy);
        System.out.printf("plan %d ms campaign, %d ms naive (%d ms both)%n", m.planMillis(), m.naive().planMillis(),
                millis);
        System.out.printf("  of the campaign: %d ms in %d evacuation plans%n", solving[0] / 1_000_000, solving[1]);
        System.out.printf("campaign: VMs to move %d, migrations %d, per VM %.4f, moved twice %d (canary %d), "
                + "batches %d, waves %d, lower bound %d%n", m.vms(), m.migrations(), m.migrationsPerVm(),
                m.movedTwice(), m.canaryMovedTwice(), m.batches(), m.waves(), m.lowerBound());
        System.out.printf("naive:    migrations %d, per VM %.4f, moved twice %d%n", m.naive().migrations(),
                m.naive().migrationsPerVm(), m.naive().movedTwice());
        System.out.printf("unmovable %d, held back %d, blocked %d%n", plan.unmovable().size(),
                plan.heldBack().size(), plan.blocked().size());
        plan.blocked().stream().limit(5).forEach(b -> System.out.println("  blocked " + b));
    }

    /** The whole fleet, one spare per board, every host of the older release to upgrade. */
    static CampaignProblem problem(Fleet fleet, String id) {
        return problem(fleet, id, true);
    }

    /** The whole fleet, with or without one empty spare host per board, every host of the older release to upgrade. */
    public static CampaignProblem problem(Fleet fleet, String id, boolean spares) {
        List<HostSpec> specs = new ArrayList<>(fleet.evacuation(id, Set.of()).hosts());
        Map<String, HostSpec> spareHosts = new LinkedHashMap<>();
        for (HostSpec h : spares ? specs : List.<HostSpec>of()) {
            if (h.releaseRank() == 0 && !h.parents().isEmpty()) {
                spareHosts.putIfAbsent(h.parents().get(0).board(), spare(h, fleet.host(h.id())));
            }
        }
        specs.addAll(spareHosts.values());
        List<CampaignVm> vms = new ArrayList<>();
        for (Fleet.Vm v : fleet.vms()) {
            // The generated fleet names every VM uniquely: its name stands in for its UUID.
            vms.add(new CampaignVm(v.name(), v.name(), v.host(), v.vcpus(), v.memoryMib(),
                    v.devices().stream().map(d -> new DeviceSpec(d.typeId(), d.framebufferMib())).toList(),
                    v.devices().stream().map(Fleet.Device::parent).toList(), v.antiAffinityGroup()));
        }
        Set<String> scope = new LinkedHashSet<>();
        specs.stream().filter(h -> h.releaseRank() == 0).forEach(h -> scope.add(h.id()));
        return new CampaignProblem(id, specs, vms, "2025.1", "2025.2", scope, Eligibility.sameBoardNotOlder());
    }

    /** An empty host shaped like {@code like}: no VMs, no instances, GPUs unlocked. */
    private static HostSpec spare(HostSpec like, Fleet.Host host) {
        return new HostSpec("spare-" + like.parents().get(0).board(), like.release(), like.releaseRank(), like.cpus(),
                0, like.memoryMib(), 0, like.failureDomain(), Fleet.emptyParents(host), Map.of());
    }
}
