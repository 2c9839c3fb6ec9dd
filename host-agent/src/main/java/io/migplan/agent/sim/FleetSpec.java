package io.migplan.agent.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What fleet to simulate: host groups (board, count, GPUs per host, release and driver version,
 * CPUs and memory, how full their GPUs are and with which VMs), the failure domains hosts are
 * spread over, and the seed every random choice comes from. Read from YAML or JSON ({@link
 * #parse(String)}, {@link #load(Path)}) or built by {@link #of(int, long)}; a bad value fails with
 * {@link InvalidSpecException} naming the field, e.g. {@code groups[1].vmMix[0].type}.
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
public record FleetSpec(long seed, List<HostGroup> groups, List<String> failureDomains, int interleave) {
  /** The release hosts start at unless told otherwise; any ordered string works. */
  public static final String DEFAULT_RELEASE = "2025.1";
  /** A 2024 production branch driver, as seen on a real host (nvidia/OBSERVED.md D6). */
  public static final String DEFAULT_DRIVER_VERSION = "550.90.07";
  /**
   * Every simulated host holds one loopback port; Linux hands out about 28,000 ephemeral ports
   * (32768-60999), and the scheduler's connections to the agents need ports too.
   */
  public static final int MAX_HOSTS = 10_000;
  /** An 8-GPU chassis is the largest common GPU server. */
  public static final int MAX_GPUS_PER_HOST = 8;
  public static final List<String> DEFAULT_FAILURE_DOMAINS = List.of("rack-a", "rack-b");

  private static final Pattern GROUP_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
  private static final Pattern DRIVER_VERSION = Pattern.compile("[0-9]+(\\.[0-9]+)*");

  /** Hosts of one board and one configuration. */
  public record HostGroup(
      String name,
      String board,
      int hosts,
      int gpusPerHost,
      String release,
      String driverVersion,
      int cpus,
      long memoryMib,
      double fill,
      List<VmShape> vmMix) {
    public HostGroup {
      vmMix = vmMix == null ? List.of() : List.copyOf(vmMix);
    }

    public GpuBoard gpuBoard() {
      return GpuBoard.byModel(board).orElseThrow();
    }
  }

  /** One kind of VM: its vGPU type, how often it is drawn relative to the others, its size. */
  public record VmShape(String type, int weight, int vcpus, long memoryMib) {}

  public FleetSpec {
    groups = groups == null ? List.of() : List.copyOf(groups);
    failureDomains = failureDomains == null ? List.of() : List.copyOf(failureDomains);
    validate(groups, failureDomains, interleave);
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
      throw new InvalidSpecException(
          "hosts", "hosts must be between 1 and " + MAX_HOSTS + ", got " + hosts);
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
    return new FleetSpec(seed, groups, DEFAULT_FAILURE_DOMAINS, 2);
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

  /** YAML or JSON (JSON is YAML). Missing group fields take the defaults listed in the README. */
  public static FleetSpec parse(String text) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(text);
    } catch (JsonProcessingException e) {
      throw new InvalidSpecException("(document)", "not valid YAML or JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidSpecException("(document)", "a fleet spec must be a mapping with at least 'groups'");
    }
    onlyKeys(root, "", Set.of("seed", "groups", "failureDomains", "interleave"));
    long seed = integer(root, "", "seed", 1);
    int interleave = (int) integer(root, "", "interleave", 0);
    List<String> domains = DEFAULT_FAILURE_DOMAINS;
    if (present(root, "failureDomains")) {
      domains = new ArrayList<>();
      JsonNode list = list(root, "", "failureDomains");
      for (int i = 0; i < list.size(); i++) {
        domains.add(plain(list.get(i), "failureDomains[" + i + "]"));
      }
    }
    if (!present(root, "groups")) {
      throw new InvalidSpecException("groups", "groups is required: a list of host groups");
    }
    JsonNode groupList = list(root, "", "groups");
    List<HostGroup> groups = new ArrayList<>();
    for (int g = 0; g < groupList.size(); g++) {
      groups.add(group(groupList.get(g), "groups[" + g + "]."));
    }
    return new FleetSpec(seed, groups, domains, interleave);
  }

  private static HostGroup group(JsonNode node, String at) {
    if (!node.isObject()) {
      throw new InvalidSpecException(at.substring(0, at.length() - 1), "a group must be a mapping");
    }
    onlyKeys(node, at, Set.of("name", "board", "hosts", "gpusPerHost", "release", "driverVersion",
        "cpus", "memoryMib", "fill", "vmMix"));
    String name = required(node, at, "name");
    String board = required(node, at, "board");
    int hosts = (int) integer(node, at, "hosts", -1);
    if (!present(node, "hosts")) {
      throw new InvalidSpecException(at + "hosts", at + "hosts is required");
    }
    List<VmShape> mix = new ArrayList<>();
    if (present(node, "vmMix")) {
      JsonNode list = list(node, at, "vmMix");
      for (int i = 0; i < list.size(); i++) {
        String vat = at + "vmMix[" + i + "].";
        JsonNode v = list.get(i);
        if (!v.isObject()) {
          throw new InvalidSpecException(vat.substring(0, vat.length() - 1), "a VM shape must be a mapping");
        }
        onlyKeys(v, vat, Set.of("type", "weight", "vcpus", "memoryMib"));
        mix.add(new VmShape(required(v, vat, "type"), (int) integer(v, vat, "weight", 1),
            (int) integer(v, vat, "vcpus", 8), integer(v, vat, "memoryMib", 16384)));
      }
    } else {
      // Every common profile of the board, equally often, sized like a workstation VM.
      GpuBoard.byModel(board).ifPresent(b -> b.popularTypes().forEach(t -> mix.add(new VmShape(t, 1, 8, 16384))));
    }
    return new HostGroup(
        name,
        board,
        hosts,
        (int) integer(node, at, "gpusPerHost", 1),
        present(node, "release") ? plain(node.get("release"), at + "release") : DEFAULT_RELEASE,
        present(node, "driverVersion") ? plain(node.get("driverVersion"), at + "driverVersion") : DEFAULT_DRIVER_VERSION,
        (int) integer(node, at, "cpus", 64),
        integer(node, at, "memoryMib", 512 * 1024),
        number(node, at, "fill", 0.5),
        mix);
  }

  private static void validate(List<HostGroup> groups, List<String> domains, int interleave) {
    check(!groups.isEmpty(), "groups", "groups must list at least one host group");
    check(interleave >= 0, "interleave", "interleave must be 0 or more, got " + interleave);
    check(!domains.isEmpty(), "failureDomains", "failureDomains must list at least one domain");
    Set<String> seenDomains = new HashSet<>();
    for (int i = 0; i < domains.size(); i++) {
      String d = domains.get(i);
      check(d != null && !d.isBlank(), "failureDomains[" + i + "]", "failureDomains[" + i + "] must not be blank");
      check(seenDomains.add(d), "failureDomains[" + i + "]", "failureDomains[" + i + "] repeats '" + d + "'");
    }
    Set<String> names = new HashSet<>();
    long total = 0;
    for (int g = 0; g < groups.size(); g++) {
      HostGroup group = groups.get(g);
      String at = "groups[" + g + "].";
      check(group.name() != null && GROUP_NAME.matcher(group.name()).matches(), at + "name",
          at + "name '" + group.name() + "' must be lower-case letters, digits and dashes");
      check(names.add(group.name()), at + "name", at + "name '" + group.name() + "' is used by an earlier group");
      GpuBoard board = GpuBoard.byModel(group.board()).orElse(null);
      check(board != null, at + "board", at + "board '" + group.board() + "' is not one of "
          + GpuBoard.ALL.stream().map(GpuBoard::model).collect(Collectors.joining(", ")));
      check(group.hosts() >= 1, at + "hosts", at + "hosts must be at least 1, got " + group.hosts());
      total += group.hosts();
      check(group.gpusPerHost() >= 1 && group.gpusPerHost() <= MAX_GPUS_PER_HOST, at + "gpusPerHost",
          at + "gpusPerHost must be between 1 and " + MAX_GPUS_PER_HOST + ", got " + group.gpusPerHost());
      check(group.release() != null && !group.release().isBlank(), at + "release", at + "release must not be blank");
      check(group.driverVersion() != null && DRIVER_VERSION.matcher(group.driverVersion()).matches(),
          at + "driverVersion", at + "driverVersion '" + group.driverVersion() + "' must look like 550.90.07");
      check(group.cpus() >= 1, at + "cpus", at + "cpus must be positive, got " + group.cpus());
      check(group.memoryMib() >= 1, at + "memoryMib", at + "memoryMib must be positive, got " + group.memoryMib());
      check(group.fill() >= 0 && group.fill() <= 1, at + "fill",
          at + "fill must be a fraction between 0 and 1, got " + group.fill());
      check(!group.vmMix().isEmpty(), at + "vmMix", at + "vmMix must list at least one VM shape");
      for (int i = 0; i < group.vmMix().size(); i++) {
        VmShape v = group.vmMix().get(i);
        String vat = at + "vmMix[" + i + "].";
        check(v.type() != null && board.types().stream().anyMatch(t -> t.typeId().equals(v.type())), vat + "type",
            vat + "type '" + v.type() + "' is not a " + board.model() + " type; it has "
                + board.types().stream().map(GpuBoard.VgpuType::typeId).collect(Collectors.joining(", ")));
        check(v.weight() >= 1, vat + "weight", vat + "weight must be at least 1, got " + v.weight());
        check(v.vcpus() >= 1, vat + "vcpus", vat + "vcpus must be positive, got " + v.vcpus());
        check(v.memoryMib() >= 1 && v.memoryMib() <= group.memoryMib(), vat + "memoryMib",
            vat + "memoryMib must be positive and at most the host's " + group.memoryMib() + ", got " + v.memoryMib());
      }
    }
    check(total <= MAX_HOSTS, "groups", "the groups add up to " + total + " hosts, more than " + MAX_HOSTS);
  }

  private static void check(boolean ok, String field, String message) {
    if (!ok) {
      throw new InvalidSpecException(field, message);
    }
  }

  private static void onlyKeys(JsonNode node, String at, Set<String> keys) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!keys.contains(key)) {
        throw new InvalidSpecException(at + key, "unknown key '" + at + key + "'; known keys here are "
            + keys.stream().sorted().collect(Collectors.joining(", ")));
      }
    }
  }

  private static boolean present(JsonNode node, String key) {
    return node.has(key) && !node.get(key).isNull();
  }

  private static JsonNode list(JsonNode node, String at, String key) {
    JsonNode v = node.get(key);
    if (!v.isArray()) {
      throw new InvalidSpecException(at + key, at + key + " must be a list");
    }
    return v;
  }

  private static String required(JsonNode node, String at, String key) {
    if (!present(node, key)) {
      throw new InvalidSpecException(at + key, at + key + " is required");
    }
    return plain(node.get(key), at + key);
  }

  private static String plain(JsonNode v, String field) {
    if (!v.isValueNode() || v.isNull()) {
      throw new InvalidSpecException(field, field + " must be a plain value, not a list or mapping");
    }
    return v.asText();
  }

  private static long integer(JsonNode node, String at, String key, long fallback) {
    if (!present(node, key)) {
      return fallback;
    }
    JsonNode v = node.get(key);
    if (v.isIntegralNumber()) {
      return v.asLong();
    }
    throw new InvalidSpecException(at + key, at + key + " must be a whole number, got '" + v.asText() + "'");
  }

  private static double number(JsonNode node, String at, String key, double fallback) {
    if (!present(node, key)) {
      return fallback;
    }
    JsonNode v = node.get(key);
    if (v.isNumber()) {
      return v.asDouble();
    }
    throw new InvalidSpecException(at + key, at + key + " must be a number, got '" + v.asText() + "'");
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
