package io.migplan.capacity;

/**
 * How much of a host's CPUs and memory VMs may be given: the one rule of CPU and memory capacity,
 * as OpenStack Nova's placement counts it ({@code cpu_allocation_ratio}, {@code
 * ram_allocation_ratio}, {@code reserved_host_cpus}, {@code reserved_host_memory_mb}):
 *
 * <pre>
 * allocatable = floor((physical - reserved) * ratio)      free = allocatable - used
 * </pre>
 *
 * A host of 64 CPUs at ratio 1.5 with none reserved takes 96 vCPUs; with 4 reserved, 90. Every
 * consumer (the agent's simulator, the placement filter and its index, the evacuation and campaign
 * planners, the host API) asks this class, so they cannot disagree.
 *
 * <p>Ratios count to three decimal places, as operators write them (1.5, 4.0, 16.0): 1.15 x 100 is
 * 115, not the 114.99... of binary floating point. Reservations above the physical amount leave
 * nothing (never a negative allocatable). Bounds ({@link #MIN_RATIO}..{@link #MAX_RATIO}, the
 * reservations at least 0) are checked where values enter: the agent's config, the scheduler's
 * report validation and its config; this record checks them too, so a bad one never reaches a
 * planner.
 *
 * <p>It does not decide where the values come from (agent, central rule, default): that is the
 * scheduler's precedence.
 */
public record ComputeAllocation(double cpuRatio, double memoryRatio, int reservedCpus, long reservedMemoryMib) {

  /** Ratio 1.0 and nothing reserved: a vCPU per CPU, a MiB per MiB; what hosts had before ratios. */
  public static final ComputeAllocation NONE = new ComputeAllocation(1.0, 1.0, 0, 0);

  /**
   * The smallest ratio: 0.1 leaves a tenth of a host to VMs, below which a reservation says it
   * better. Nova allows any non-negative ratio; 0 would make a host useless, and that is what
   * draining is for.
   */
  public static final double MIN_RATIO = 0.1;
  /**
   * The largest ratio: 64, four times Nova's historical CPU default of 16 (its default
   * {@code initial_cpu_allocation_ratio}); beyond it a ratio is a typo, not a policy.
   */
  public static final double MAX_RATIO = 64.0;
  /** The bounds as text, for Bean Validation annotations (which need constants). */
  public static final String MIN_RATIO_TEXT = "0.1";
  public static final String MAX_RATIO_TEXT = "64.0";
  /** The sentence tail of a ratio out of bounds. */
  public static final String RATIO_BOUNDS = "is not between " + MIN_RATIO + " and " + MAX_RATIO;

  /** Ratios count in thousandths. */
  private static final long MILLI = 1000;

  public ComputeAllocation {
    if (!inBounds(cpuRatio)) {
      throw new IllegalArgumentException("CPU allocation ratio " + cpuRatio + " " + RATIO_BOUNDS);
    }
    if (!inBounds(memoryRatio)) {
      throw new IllegalArgumentException("memory allocation ratio " + memoryRatio + " " + RATIO_BOUNDS);
    }
    if (reservedCpus < 0) {
      throw new IllegalArgumentException("reserved CPUs " + reservedCpus + " is negative");
    }
    if (reservedMemoryMib < 0) {
      throw new IllegalArgumentException("reserved memory " + reservedMemoryMib + " MiB is negative");
    }
  }

  /** Whether {@code ratio} is a ratio this rule takes (finite, {@link #MIN_RATIO}..{@link #MAX_RATIO}). */
  public static boolean inBounds(double ratio) {
    return ratio >= MIN_RATIO && ratio <= MAX_RATIO;
  }

  /** vCPUs VMs may be given on a host of {@code cpus}: floor((cpus - reserved) x ratio), at least 0. */
  public int allocatableCpus(int cpus) {
    return (int) Math.min(Integer.MAX_VALUE, scaled(cpus - (long) reservedCpus, cpuRatio));
  }

  /** Memory VMs may be given on a host of {@code memoryMib}: floor((memory - reserved) x ratio), at least 0. */
  public long allocatableMemoryMib(long memoryMib) {
    return scaled(memoryMib - reservedMemoryMib, memoryRatio);
  }

  private static long scaled(long amount, double ratio) {
    // In thousandths, exactly: floor(a * m / 1000) for a, m >= 0 is integer division. Memory
    // stays below 2^30 MiB (report bounds) and m below 2^16, so the product fits a long.
    return amount <= 0 ? 0 : amount * Math.round(ratio * MILLI) / MILLI;
  }

  /** Whether this is {@link #NONE}: the sentences then show the plain numbers, as before ratios. */
  public boolean isNone() {
    return equals(NONE);
  }

  /**
   * The CPU capacity in a sentence: "96 allocatable (64 CPUs x 1.5, 0 reserved)", or just "64"
   * when nothing is overcommitted or reserved.
   */
  public String describeCpus(int cpus) {
    if (cpuRatio == 1.0 && reservedCpus == 0) {
      return Integer.toString(cpus);
    }
    return allocatableCpus(cpus) + " allocatable (" + cpus + " CPUs x " + ratio(cpuRatio) + ", " + reservedCpus
        + " reserved)";
  }

  /**
   * The memory capacity in a sentence: "393216 MiB allocatable (262144 MiB x 1.5, 0 MiB reserved)",
   * or just "262144 MiB" when nothing is overcommitted or reserved.
   */
  public String describeMemory(long memoryMib) {
    if (memoryRatio == 1.0 && reservedMemoryMib == 0) {
      return memoryMib + " MiB";
    }
    return allocatableMemoryMib(memoryMib) + " MiB allocatable (" + memoryMib + " MiB x " + ratio(memoryRatio)
        + ", " + reservedMemoryMib + " MiB reserved)";
  }

  /** 1.5 as "1.5", 4 as "4.0", 1.2345 as "1.235" (the thousandths the rule counts). */
  static String ratio(double r) {
    return Double.toString(Math.round(r * MILLI) / (double) MILLI);
  }
}
