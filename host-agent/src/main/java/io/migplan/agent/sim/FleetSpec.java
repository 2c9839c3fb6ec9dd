package io.migplan.agent.sim;

import static io.migplan.agent.config.FieldChecks.path;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.migplan.agent.config.ConfigReader;
import io.migplan.agent.config.FieldChecks;
import io.migplan.agent.config.InvalidConfigException;
import io.migplan.agent.config.SelfChecking;
import io.migplan.capacity.ComputeAllocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What fleet to simulate: host groups (board, count, GPUs per host, release and driver version,
 * CPUs and memory, how full their GPUs are and with which VMs), the failure domains hosts are
 * spread over, and the seed every random choice comes from. Read from YAML or JSON ({@link
 * #parse(String)}, {@link #load(Path)}) or built by {@link #of(int, long)}; a bad value fails with
 * {@link InvalidSpecException} naming the field, e.g. {@code groups[1].vmMix[0].type}. Absent
 * values take the defaults the README lists; a spec built in code is checked by {@link
 * #validate()}.
 *
 * <p>Decides the host ids and which group each host belongs to ({@link #groupOf(int)}); what the
 * hosts' trees hold is the generator's business.
 *
 * <pre>
 * seed: 42
 * interleave: 0            # 0: groups take consecutive hosts; k: k hosts of each group in turn
 * failureDomains: [rack-a, rack-b]
 * groups:
 *   - {name: t4, board: T4, hosts: 400, gpusPerHost: 2, release: "2025.1", driverVersion: "550.90.07",
 *      cpus: 64, memoryMib: 524288, fill: 0.75,
 *      vmMix: [{type: nvidia-231, weight: 3, vcpus: 8, memoryMib: 16384}]}
 * </pre>
 */
public record FleetSpec(Long seed, List<HostGroup> groups, List<String> failureDomains, int interleave)
    implements SelfChecking {
  /** The release hosts start at unless told otherwise; any ordered string works. */
  public static final String DEFAULT_RELEASE = "2025.1";
  /** A 2024 production branch driver, as seen on a real host (nvidia/OBSERVED.md D6). */
  public static final String DEFAULT_DRIVER_VERSION = "550.90.07";
  /**
   * Every simulated host holds one loopback port; Linux hands out about 28,000 ephemeral ports
   * (32768-60999), and the scheduler's connections to the agents need ports too. The fleet
   * format's bound is the same number.
   */
  public static final int MAX_HOSTS = io.migplan.fleet.FleetReader.MAX_HOSTS;
  /** An 8-GPU chassis is the largest common GPU server. */
  public static final int MAX_GPUS_PER_HOST = 8;
  public static final List<String> DEFAULT_FAILURE_DOMAINS = List.of("rack-a", "rack-b");
  /** Group names go into host trees and messages: lower-case, no spaces. */
  private static final Pattern GROUP_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
  /** A driver version as the probes compare it: dotted numbers. */
  private static final Pattern DRIVER_VERSION = Pattern.compile("[0-9]+(\\.[0-9]+)*");

  /**
   * Hosts of one board and one configuration. Absent: 1 GPU per host, release {@value
   * #DEFAULT_RELEASE}, driver {@value #DEFAULT_DRIVER_VERSION}, 64 CPUs, 512 GiB, half full, and
   * every common profile of the board equally often.
   */
  public record HostGroup(
      String name,
      String board,
      Integer hosts,
      Integer gpusPerHost,
      String release,
      String driverVersion,
      Integer cpus,
      Long memoryMib,
      Double fill,
      List<VmShape> vmMix,
      Double cpuAllocationRatio,
      Double memoryAllocationRatio,
      Integer reservedCpus,
      Long reservedMemoryMib) implements SelfChecking {
    @JsonCreator
    public HostGroup {
      gpusPerHost = gpusPerHost == null ? 1 : gpusPerHost;
      release = release == null ? DEFAULT_RELEASE : release;
      driverVersion = driverVersion == null ? DEFAULT_DRIVER_VERSION : driverVersion;
      cpus = cpus == null ? 64 : cpus;
      memoryMib = memoryMib == null ? 512 * 1024L : memoryMib;
      fill = fill == null ? 0.5 : fill;
      vmMix = vmMix == null ? popularShapes(board) : ConfigReader.copy(vmMix);
      reservedCpus = reservedCpus == null ? 0 : reservedCpus;
      reservedMemoryMib = reservedMemoryMib == null ? 0L : reservedMemoryMib;
    }

    /** A group without overcommit or reservations (ratios unset, so its agents report none). */
    public HostGroup(
        String name, String board, int hosts, int gpusPerHost, String release, String driverVersion,
        int cpus, long memoryMib, double fill, List<VmShape> vmMix) {
      this(name, board, (Integer) hosts, (Integer) gpusPerHost, release, driverVersion, (Integer) cpus,
          (Long) memoryMib, (Double) fill, vmMix, null, null, 0, 0L);
    }

    /**
     * The CPU and memory rule of the group's hosts, as their agents will report it: the spec's
     * ratios (1.0 when unset) and reservations.
     */
    public ComputeAllocation allocation() {
      return new ComputeAllocation(cpuAllocationRatio == null ? 1.0 : cpuAllocationRatio,
          memoryAllocationRatio == null ? 1.0 : memoryAllocationRatio, reservedCpus, reservedMemoryMib);
    }

    @Override
    public void checkInto(FieldChecks checks, String at) {
      checks.notNull(path(at, "name"), name, "must be lower-case letters, digits and dashes");
      checks.matches(path(at, "name"), name, GROUP_NAME, "must be lower-case letters, digits and dashes");
      checks.notBlank(path(at, "board"), board, "is required");
      checks.notNull(path(at, "hosts"), hosts, "is required");
      checks.atLeast(path(at, "hosts"), hosts, 1, "must be at least 1");
      checks.within(path(at, "gpusPerHost"), gpusPerHost, 1, MAX_GPUS_PER_HOST, "must be between 1 and " + MAX_GPUS_PER_HOST);
      checks.notBlank(path(at, "release"), release, "must not be blank");
      checks.notNull(path(at, "driverVersion"), driverVersion, "must look like 550.90.07");
      checks.matches(path(at, "driverVersion"), driverVersion, DRIVER_VERSION, "must look like 550.90.07");
      checks.atLeast(path(at, "cpus"), cpus, 1, "must be positive");
      checks.atLeast(path(at, "memoryMib"), memoryMib, 1, "must be positive");
      checks.require(fill == null || (fill >= 0 && fill <= 1), path(at, "fill"), "must be a fraction between 0 and 1", fill);
      checks.ratio(path(at, "cpuAllocationRatio"), cpuAllocationRatio);
      checks.ratio(path(at, "memoryAllocationRatio"), memoryAllocationRatio);
      checks.atLeast(path(at, "reservedCpus"), reservedCpus, 0, "must be 0 or more");
      checks.atLeast(path(at, "reservedMemoryMib"), reservedMemoryMib, 0, "must be 0 or more");
      checks.eachChecked(path(at, "vmMix"), vmMix, "must be a mapping");
    }

    /** Every common profile of the board, equally often, sized like a workstation VM. */
    private static List<VmShape> popularShapes(String board) {
      return GpuBoard.byModel(board)
          .map(b -> b.popularTypes().stream().map(t -> new VmShape(t, 1, 8, 16384)).toList())
          .orElse(List.of());
    }

    public GpuBoard gpuBoard() {
      return GpuBoard.byModel(board).orElseThrow();
    }
  }

  /**
   * One kind of VM: its vGPU type, how often it is drawn relative to the others, its size.
   * Absent: weight 1, 8 vCPUs, 16 GiB.
   */
  public record VmShape(String type, Integer weight, Integer vcpus, Long memoryMib) implements SelfChecking {
    @JsonCreator
    public VmShape {
      weight = weight == null ? 1 : weight;
      vcpus = vcpus == null ? 8 : vcpus;
      memoryMib = memoryMib == null ? 16384L : memoryMib;
    }

    public VmShape(String type, int weight, int vcpus, long memoryMib) {
      this(type, (Integer) weight, (Integer) vcpus, (Long) memoryMib);
    }

    @Override
    public void checkInto(FieldChecks checks, String at) {
      checks.notBlank(path(at, "type"), type, "is required");
      checks.atLeast(path(at, "weight"), weight, 1, "must be at least 1");
      checks.atLeast(path(at, "vcpus"), vcpus, 1, "must be positive");
      checks.atLeast(path(at, "memoryMib"), memoryMib, 1, "must be positive");
    }
  }

  /** Absent: seed 1, groups in consecutive blocks, racks {@code rack-a} and {@code rack-b}. */
  @JsonCreator
  public FleetSpec {
    seed = seed == null ? 1L : seed;
    groups = ConfigReader.copy(groups);
    failureDomains = failureDomains == null ? DEFAULT_FAILURE_DOMAINS : ConfigReader.copy(failureDomains);
  }

  public FleetSpec(long seed, List<HostGroup> groups, List<String> failureDomains, int interleave) {
    this((Long) seed, groups, failureDomains, interleave);
  }

  @Override
  public void checkInto(FieldChecks checks, String at) {
    checks.notEmpty(path(at, "groups"), groups, "must list at least one host group");
    checks.eachChecked(path(at, "groups"), groups, "must be a mapping");
    checks.notEmpty(path(at, "failureDomains"), failureDomains, "must list at least one domain");
    checks.eachNotBlank(path(at, "failureDomains"), failureDomains, "must not be blank");
    checks.atLeast(path(at, "interleave"), interleave, 0, "must be 0 or more");
  }

  /**
   * The fleet {@code simulate --hosts N} runs: T4 and V100 hosts in pairs (T4, T4, V100, V100, ...),
   * two GPUs each, a quarter full with common desktop profiles, alternating between two racks.
   */
  public static FleetSpec of(int hosts, long seed) {
    return of(hosts, seed, DEFAULT_RELEASE);
  }

  public static FleetSpec of(int hosts, long seed, String release) {
    if (hosts < 1 || hosts > MAX_HOSTS) {
      throw new InvalidSpecException("hosts", "hosts: must be between 1 and " + MAX_HOSTS + ", got " + hosts);
    }
    int t4 = 0;
    for (int i = 0; i < hosts; i++) {
      // The pairs pattern of interleave 2 below: hosts 1-2 are T4, 3-4 V100, 5-6 T4, ...
      t4 += (i / 2) % 2 == 0 ? 1 : 0;
    }
    // Sizes of desktop VMs that carry one vGPU; GPUs a quarter full leave room for arrivals.
    List<HostGroup> groups = new ArrayList<>();
    groups.add(
        new HostGroup("t4", "T4", t4, 2, release, DEFAULT_DRIVER_VERSION, 64, 512 * 1024, 0.25,
            List.of(
                new VmShape("nvidia-222", 1, 4, 8192),
                new VmShape("nvidia-230", 1, 4, 8192),
                new VmShape("nvidia-231", 1, 8, 16384),
                new VmShape("nvidia-232", 1, 8, 16384))));
    if (hosts - t4 > 0) {
      groups.add(
          new HostGroup("v100", "V100", hosts - t4, 2, release, DEFAULT_DRIVER_VERSION, 128, 768 * 1024, 0.25,
              List.of(
                  new VmShape("nvidia-105", 1, 4, 8192),
                  new VmShape("nvidia-106", 1, 8, 16384),
                  new VmShape("nvidia-107", 1, 8, 16384))));
    }
    return new FleetSpec(seed, groups, DEFAULT_FAILURE_DOMAINS, 2).validate();
  }

  /** All hosts of all groups. */
  public int hosts() {
    return groups.stream().mapToInt(HostGroup::hosts).sum();
  }

  /** The id of host {@code index} (1-based): host-01 .. host-99, host-0001 .. for larger fleets. */
  public String hostId(int index) {
    return hostId(index, hosts());
  }

  /** Zero-padded to the width of the largest index (at least two digits), so ids sort as numbers. */
  public static String hostId(int index, int total) {
    int width = Math.max(2, Integer.toString(total).length());
    return "host-" + String.format("%0" + width + "d", index);
  }

  /**
   * The group of host {@code index} (1-based): consecutive blocks per group when {@code
   * interleave} is 0, else {@code interleave} hosts of each group in turn until a group runs out.
   */
  public HostGroup groupOf(int index) {
    return layout().get(index - 1);
  }

  /** The group of every host, in host order. */
  public List<HostGroup> layout() {
    List<HostGroup> order = new ArrayList<>(hosts());
    if (interleave == 0) {
      for (HostGroup g : groups) {
        for (int i = 0; i < g.hosts(); i++) {
          order.add(g);
        }
      }
      return order;
    }
    int[] left = groups.stream().mapToInt(HostGroup::hosts).toArray();
    int total = hosts();
    while (order.size() < total) {
      for (int g = 0; g < groups.size(); g++) {
        int take = Math.min(interleave, left[g]);
        for (int i = 0; i < take; i++) {
          order.add(groups.get(g));
        }
        left[g] -= take;
      }
    }
    return order;
  }

  public String failureDomainOf(int index) {
    return failureDomains.get((index - 1) % failureDomains.size());
  }

  public static FleetSpec load(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IOException("fleet spec " + file + " could not be read: " + e.getMessage(), e);
    }
    try {
      return parse(text);
    } catch (InvalidSpecException e) {
      throw new InvalidSpecException(e.field(), "fleet spec " + file + ": " + e.getMessage());
    }
  }

  /** YAML or JSON (JSON is YAML). Missing fields take the defaults listed in the README. */
  public static FleetSpec parse(String text) {
    FleetSpec spec;
    try {
      spec = ConfigReader.bind(ConfigReader.read(text), FleetSpec.class);
    } catch (InvalidConfigException e) {
      throw new InvalidSpecException(e.field(), e.getMessage());
    }
    return spec.validate();
  }

  /**
   * Checks every value and how they fit together (a known board, types of that board, VMs that
   * fit their host, unique names and domains, at most {@value #MAX_HOSTS} hosts); fails naming
   * the first field at fault.
   */
  public FleetSpec validate() {
    try {
      FieldChecks.check(this);
    } catch (InvalidConfigException e) {
      throw new InvalidSpecException(e.field(), e.getMessage());
    }
    Set<String> seenDomains = new HashSet<>();
    for (int i = 0; i < failureDomains.size(); i++) {
      String d = failureDomains.get(i);
      check(seenDomains.add(d), "failureDomains[" + i + "]", "repeats '" + d + "'");
    }
    Set<String> names = new HashSet<>();
    long total = 0;
    for (int g = 0; g < groups.size(); g++) {
      HostGroup group = groups.get(g);
      String at = "groups[" + g + "].";
      check(names.add(group.name()), at + "name", "'" + group.name() + "' is used by an earlier group");
      GpuBoard board = GpuBoard.byModel(group.board()).orElse(null);
      check(board != null, at + "board", "must be one of "
          + GpuBoard.ALL.stream().map(GpuBoard::model).collect(Collectors.joining(", ")) + ", got '" + group.board() + "'");
      total += group.hosts();
      check(!group.vmMix().isEmpty(), at + "vmMix", "must list at least one VM shape");
      for (int i = 0; i < group.vmMix().size(); i++) {
        VmShape v = group.vmMix().get(i);
        String vat = at + "vmMix[" + i + "].";
        check(board.types().stream().anyMatch(t -> t.typeId().equals(v.type())), vat + "type",
            "must be a " + board.model() + " type (" + board.types().stream().map(GpuBoard.VgpuType::typeId)
                .collect(Collectors.joining(", ")) + "), got '" + v.type() + "'");
      }
      for (int i = 0; i < group.vmMix().size(); i++) {
        VmShape v = group.vmMix().get(i);
        check(v.memoryMib() <= group.memoryMib(), at + "vmMix[" + i + "].memoryMib",
            "must be at most the host's " + group.memoryMib() + ", got " + v.memoryMib());
      }
      check(group.reservedCpus() <= group.cpus(), at + "reservedCpus",
          "must be at most the group's " + group.cpus() + " CPUs, got " + group.reservedCpus());
      check(group.reservedMemoryMib() <= group.memoryMib(), at + "reservedMemoryMib",
          "must be at most the group's " + group.memoryMib() + " MiB, got " + group.reservedMemoryMib());
      fits(group, at);
    }
    check(total <= MAX_HOSTS, "groups", "the groups add up to " + total + " hosts, more than " + MAX_HOSTS);
    return this;
  }

  /**
   * Refuses a group whose hosts cannot take even one VM of some shape of its mix: more vCPUs or
   * memory than a host may give VMs by the group's ratios and reservations ({@link
   * ComputeAllocation}). A spec that only asks for more VMs than fit is generated as full as the
   * hosts allow (see {@link FleetGenerator}).
   */
  private static void fits(HostGroup group, String at) {
    ComputeAllocation rule = group.allocation();
    int cpus = rule.allocatableCpus(group.cpus());
    long memory = rule.allocatableMemoryMib(group.memoryMib());
    for (int i = 0; i < group.vmMix().size(); i++) {
      VmShape v = group.vmMix().get(i);
      String vat = at + "vmMix[" + i + "].";
      check(v.vcpus() <= cpus, vat + "vcpus", "group " + group.name() + ": a VM of " + v.type() + " needs "
          + v.vcpus() + " vCPUs, more than a host's " + rule.describeCpus(group.cpus())
          + "; lower vcpus, or raise cpus or cpuAllocationRatio");
      check(v.memoryMib() <= memory, vat + "memoryMib", "group " + group.name() + ": a VM of " + v.type()
          + " needs " + v.memoryMib() + " MiB, more than a host's " + rule.describeMemory(group.memoryMib())
          + "; lower memoryMib, or raise the group's memoryMib or memoryAllocationRatio");
    }
  }

  private static void check(boolean ok, String field, String detail) {
    if (!ok) {
      throw new InvalidSpecException(field, field + ": " + detail);
    }
  }

  /** A spec that cannot be used; {@link #field()} is the path of the value at fault. */
  public static final class InvalidSpecException extends IllegalArgumentException {
    private final String field;

    public InvalidSpecException(String field, String message) {
      super(message);
      this.field = field;
    }

    public String field() {
      return field;
    }
  }
}
