package io.migplan.scheduler.inventory;

import io.migplan.capacity.ComputeAllocation;
import io.migplan.scheduler.config.MigplanConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which CPU and memory rule ({@link ComputeAllocation}) is in force for a host, value by value:
 *
 * <ol>
 *   <li>a central rule ({@code migplan.allocation.rules}) whose label the host carries and that
 *       sets the value: the first such rule in the configured order;
 *   <li>else what the host's agent reported (its {@code cpuAllocationRatio} ... in agent.yaml);
 *   <li>else the default: ratio 1.0, nothing reserved (today's behaviour, and that of agents too
 *       old to report these values).
 * </ol>
 *
 * So an operator can set a fleet-wide policy per board or pool centrally and still let one agent
 * speak for itself where no rule says otherwise. A central reservation larger than a host's CPUs or
 * memory leaves it nothing to give, as the rule's floor says. It does not decide capacity (that is
 * {@link ComputeAllocation}) or read anything: callers pass the stored values.
 */
public final class AllocationPolicy {

    /** A central rule: a label {@code key=value} and the values it sets. */
    public record Rule(String key, String value, Optional<Double> cpuRatio, Optional<Double> memoryRatio,
            Optional<Integer> reservedCpus, Optional<Long> reservedMemoryMib) {

        public Rule {
            cpuRatio.ifPresent(r -> requireRatio("cpu-ratio", r));
            memoryRatio.ifPresent(r -> requireRatio("memory-ratio", r));
            reservedCpus.ifPresent(r -> requireNotNegative("reserved-cpus", r));
            reservedMemoryMib.ifPresent(r -> requireNotNegative("reserved-memory-mib", r));
        }

        /** "gpu-board=T4" as a rule. */
        public static Rule of(String label, Optional<Double> cpuRatio, Optional<Double> memoryRatio,
                Optional<Integer> reservedCpus, Optional<Long> reservedMemoryMib) {
            int eq = label.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("migplan.allocation.rules: label '" + label
                        + "' must be a host label as key=value, e.g. gpu-board=T4");
            }
            return new Rule(label.substring(0, eq), label.substring(eq + 1), cpuRatio, memoryRatio, reservedCpus,
                    reservedMemoryMib);
        }

        public String label() {
            return key + "=" + value;
        }

        boolean matches(Map<String, String> labels) {
            return value.equals(labels.get(key));
        }

        private static void requireRatio(String field, double r) {
            if (!ComputeAllocation.inBounds(r)) {
                throw new IllegalArgumentException("migplan.allocation.rules: " + field + " " + r + " "
                        + ComputeAllocation.RATIO_BOUNDS);
            }
        }

        private static void requireNotNegative(String field, long r) {
            if (r < 0) {
                throw new IllegalArgumentException("migplan.allocation.rules: " + field + " " + r + " is negative");
            }
        }
    }

    /**
     * The values an agent reported; a null ratio is one it did not send.
     */
    public record Reported(Double cpuRatio, Double memoryRatio, int reservedCpus, long reservedMemoryMib) {
        public static final Reported NOTHING = new Reported(null, null, 0, 0);
    }

    /** The rule in force and where each value came from: "rule gpu-board=T4", "agent" or "default". */
    public record Resolved(ComputeAllocation allocation, String cpuRatioFrom, String memoryRatioFrom,
            String reservedCpusFrom, String reservedMemoryFrom) {
    }

    public static final AllocationPolicy NONE = new AllocationPolicy(List.of());

    private final List<Rule> rules;

    public AllocationPolicy(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The configured rules, in order. */
    public static AllocationPolicy of(MigplanConfig.Allocation config) {
        return new AllocationPolicy(config.rules().orElse(List.of()).stream()
                .map(r -> Rule.of(r.label(), r.cpuRatio(), r.memoryRatio(), r.reservedCpus(), r.reservedMemoryMib()))
                .toList());
    }

    /** Whether any rule exists: without one, labels need not be read. */
    public boolean hasRules() {
        return !rules.isEmpty();
    }

    public List<Rule> rules() {
        return rules;
    }

    /** The rule in force for a host carrying {@code labels} whose agent reported {@code reported}. */
    public ComputeAllocation resolve(Map<String, String> labels, Reported reported) {
        return explain(labels, reported).allocation();
    }

    /** As {@link #resolve}, with where each value came from: "rule gpu-board=T4", "agent" or "default". */
    public Resolved explain(Map<String, String> labels, Reported reported) {
        Rule cpu = first(labels, r -> r.cpuRatio().isPresent());
        Rule memory = first(labels, r -> r.memoryRatio().isPresent());
        Rule resCpu = first(labels, r -> r.reservedCpus().isPresent());
        Rule resMemory = first(labels, r -> r.reservedMemoryMib().isPresent());
        double cpuRatio = cpu != null ? cpu.cpuRatio().get() : reported.cpuRatio() != null ? reported.cpuRatio() : 1.0;
        double memoryRatio = memory != null ? memory.memoryRatio().get()
                : reported.memoryRatio() != null ? reported.memoryRatio() : 1.0;
        int reservedCpus = resCpu != null ? resCpu.reservedCpus().get() : reported.reservedCpus();
        long reservedMemory = resMemory != null ? resMemory.reservedMemoryMib().get() : reported.reservedMemoryMib();
        return new Resolved(new ComputeAllocation(cpuRatio, memoryRatio, reservedCpus, reservedMemory),
                from(cpu, reported.cpuRatio() != null), from(memory, reported.memoryRatio() != null),
                from(resCpu, reported.reservedCpus() != 0), from(resMemory, reported.reservedMemoryMib() != 0));
    }

    private Rule first(Map<String, String> labels, java.util.function.Predicate<Rule> sets) {
        for (Rule r : rules) {
            if (sets.test(r) && r.matches(labels)) {
                return r;
            }
        }
        return null;
    }

    private static String from(Rule rule, boolean reported) {
        return rule != null ? "rule " + rule.label() : reported ? "agent" : "default";
    }
}
