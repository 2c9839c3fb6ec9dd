package io.migplan.agent.sim;

import io.migplan.agent.config.AgentConfig;
import io.migplan.agent.config.ReleaseText;
import io.migplan.agent.sim.FleetSimulator.HostStatus;
import io.migplan.agent.sim.FleetSimulator.Migration;
import io.migplan.agent.sim.FleetSimulator.SimulatedHost;
import io.migplan.agent.sim.SimulationException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What can happen to a running simulated fleet, as real operations would do it: a VM migrates
 * (its mdevs removed on the source and created on the target, availability of every type on
 * both GPUs rewritten by the equal-size rule, its libvirt file moved), a host is upgraded (new
 * release file and driver version, which its agent observes), fails (stops answering and
 * reporting) and recovers.
 *
 * <p>Decides: whether an operation is allowed (room, type, failed hosts, no VM left on a host
 * being upgraded, which a real upgrade would reboot under it) and, when no parent is
 * named, which GPU a vGPU lands on: a GPU already locked to the same framebuffer with room
 * before an empty one (packing keeps empty GPUs for other sizes, as a placement service would),
 * each in address order, so the result is the same for the same fleet. Every operation holds
 * the locks of the hosts it touches (in host id order, so two never deadlock) and either changes
 * a tree completely or, on a write failure, undoes what it wrote.
 *
 * <p>Does not check CPU or memory room on the target (the scheduler's job), and does not model
 * the migration's duration: the VM is on the target when the call returns.
 */
final class FleetOperations {
  private static final Pattern MDEV_ADDRESS = Pattern.compile("<address uuid='([0-9a-fA-F-]{36})'");
  private static final Pattern DRIVER_VERSION = Pattern.compile("[0-9]+(\\.[0-9]+)*");

  private final Map<String, SimulatedHost> hosts;
  private final Map<String, ReentrantLock> locks = new TreeMap<>();
  private final Map<String, String> vmHost = new ConcurrentHashMap<>();
  private final Set<String> failed = ConcurrentHashMap.newKeySet();
  /** Tests: the step of the next source-side edit to fail at; -1 = none. */
  private volatile int failNextSourceEditAt = -1;

  FleetOperations(List<SimulatedHost> hosts) throws IOException {
    this.hosts = new LinkedHashMap<>();
    for (SimulatedHost h : hosts) {
      this.hosts.put(h.hostId(), h);
      locks.put(h.hostId(), new ReentrantLock());
      for (Path xml : HostTree.sorted(h.root().resolve("run/libvirt/qemu"))) {
        String name = xml.getFileName().toString();
        if (name.endsWith(".xml")) {
          vmHost.put(name.substring(0, name.length() - ".xml".length()), h.hostId());
        }
      }
    }
  }

  List<HostStatus> listHosts() {
    Map<String, Integer> vms = new TreeMap<>();
    vmHost.values().forEach(h -> vms.merge(h, 1, Integer::sum));
    List<HostStatus> out = new ArrayList<>();
    for (SimulatedHost h : hosts.values()) {
      out.add(status(h, vms.getOrDefault(h.hostId(), 0)));
    }
    out.sort(Comparator.comparing(HostStatus::host));
    return out;
  }

  HostStatus status(String hostId) {
    SimulatedHost h = host(hostId);
    int vms = (int) vmHost.values().stream().filter(hostId::equals).count();
    return status(h, vms);
  }

  private HostStatus status(SimulatedHost h, int vms) {
    AgentConfig config = h.agent().config();
    return new HostStatus(h.hostId(), h.endpoint(), h.agent().release(), driverVersion(h),
        config.labels().getOrDefault("gpu-board", ""), failed.contains(h.hostId()), vms);
  }

  /** The host the VM runs on now. */
  Optional<String> hostOf(String vm) {
    return Optional.ofNullable(vmHost.get(vm));
  }

  List<String> vms() {
    return vmHost.keySet().stream().sorted().toList();
  }

  Migration migrateVm(String vm, String targetHost, String targetParent) {
    require(vm, "vm");
    require(targetHost, "target_host");
    String source = vmHost.get(vm);
    if (source == null) {
      throw new SimulationException(Kind.NOT_FOUND, "no VM " + vm + " runs in the simulated fleet");
    }
    SimulatedHost dst = host(targetHost);
    if (source.equals(targetHost)) {
      throw new SimulationException(Kind.FAILED_PRECONDITION, "VM " + vm + " already runs on host " + targetHost);
    }
    SimulatedHost src = host(source);
    List<ReentrantLock> held = lock(source, targetHost);
    try {
      if (!source.equals(vmHost.get(vm))) {
        throw new SimulationException(Kind.FAILED_PRECONDITION,
            "VM " + vm + " moved to host " + vmHost.get(vm) + " while this migration waited; ask again");
      }
      refuseIfFailed(src, "send");
      refuseIfFailed(dst, "receive");
      return migrateLocked(vm, src, dst, targetParent == null ? "" : targetParent.strip());
    } finally {
      held.forEach(ReentrantLock::unlock);
    }
  }

  private Migration migrateLocked(String vm, SimulatedHost src, SimulatedHost dst, String targetParent) {
    Path srcXml = src.root().resolve("run/libvirt/qemu").resolve(vm + ".xml");
    Path dstXml = dst.root().resolve("run/libvirt/qemu").resolve(vm + ".xml");
    String xml;
    List<HostTree.Gpu> srcGpus;
    List<HostTree.Gpu> dstGpus;
    try {
      xml = Files.readString(srcXml);
      srcGpus = HostTree.read(src.root());
      dstGpus = HostTree.read(dst.root());
    } catch (IOException e) {
      throw new SimulationException(Kind.INTERNAL, "could not read the trees of " + src.hostId() + " and "
          + dst.hostId() + ": " + e.getMessage(), e);
    }
    if (HostTree.exists(dstXml)) {
      throw new SimulationException(Kind.FAILED_PRECONDITION,
          "host " + dst.hostId() + " already has a domain named " + vm);
    }

    // Plan every mdev's move on in-memory copies first: nothing is written unless all fit.
    Map<String, HostTree.Gpu> srcAfter = byAddress(srcGpus);
    Map<String, HostTree.Gpu> dstAfter = byAddress(dstGpus);
    Map<String, HostTree.Gpu> dstBefore = byAddress(dstGpus);
    Map<String, HostTree.Gpu> srcBefore = byAddress(srcGpus);
    List<String[]> moves = new ArrayList<>(); // {uuid, typeId, source address, target address}
    Matcher m = MDEV_ADDRESS.matcher(xml);
    while (m.find()) {
      String uuid = m.group(1).toLowerCase();
      HostTree.Gpu from = srcAfter.values().stream().filter(g -> g.instances().containsKey(uuid)).findFirst()
          .orElseThrow(() -> new SimulationException(Kind.FAILED_PRECONDITION,
              "VM " + vm + " refers to mdev " + uuid + ", which host " + src.hostId() + " does not have"));
      String typeId = from.instances().get(uuid);
      if (HostTree.exists(dst.root().resolve("sys/bus/mdev/devices").resolve(uuid))) {
        throw new SimulationException(Kind.FAILED_PRECONDITION,
            "host " + dst.hostId() + " already has an mdev " + uuid + " (VM " + vm + "'s device)");
      }
      HostTree.Gpu to = choose(dst, dstAfter, typeId, targetParent);
      srcAfter.put(from.address(), from.without(uuid));
      dstAfter.put(to.address(), to.with(uuid, typeId));
      moves.add(new String[] {uuid, typeId, from.address(), to.address()});
    }

    TreeEdit dstEdit = new TreeEdit();
    TreeEdit srcEdit = new TreeEdit(failNextSourceEditAt);
    failNextSourceEditAt = -1;
    try {
      for (String[] move : moves) {
        HostTree.createInstance(dst.root(), dstBefore.get(move[3]), move[0], move[1], dstEdit);
      }
      for (String address : touched(moves, 3)) {
        HostTree.writeAvailability(dst.root(), dstAfter.get(address), dstEdit);
      }
      dstEdit.write(dstXml, xml);
      for (String[] move : moves) {
        HostTree.removeInstance(src.root(), srcBefore.get(move[2]), move[0], srcEdit);
      }
      for (String address : touched(moves, 2)) {
        HostTree.writeAvailability(src.root(), srcAfter.get(address), srcEdit);
      }
      srcEdit.delete(srcXml);
    } catch (IOException e) {
      String undone = "undone";
      try {
        srcEdit.rollback();
        dstEdit.rollback();
      } catch (IOException again) {
        undone = "NOT fully undone (" + again.getMessage() + ")";
        e.addSuppressed(again);
      }
      throw new SimulationException(Kind.INTERNAL,
          "migration of VM " + vm + " from " + src.hostId() + " to " + dst.hostId() + " failed while writing ("
              + e.getMessage() + "); the changes were " + undone, e);
    }
    vmHost.put(vm, dst.hostId());
    dst.agent().requestReport();
    src.agent().requestReport();
    return new Migration(vm, src.hostId(), dst.hostId(), moves.stream().map(mv -> mv[3]).toList());
  }

  /** The target GPU of one vGPU: the named one, else by the packing order in the class comment. */
  private static HostTree.Gpu choose(SimulatedHost dst, Map<String, HostTree.Gpu> gpus, String typeId, String named) {
    if (!named.isEmpty()) {
      HostTree.Gpu gpu = gpus.get(named);
      if (gpu == null) {
        throw new SimulationException(Kind.NOT_FOUND, "host " + dst.hostId() + " has no parent device " + named
            + "; it has " + String.join(", ", gpus.keySet()));
      }
      gpu.refusal(typeId).ifPresent(why -> {
        throw new SimulationException(Kind.FAILED_PRECONDITION,
            "host " + dst.hostId() + " cannot create " + typeId + ": " + why);
      });
      return gpu;
    }
    if (gpus.values().stream().noneMatch(g -> g.types().containsKey(typeId))) {
      throw new SimulationException(Kind.FAILED_PRECONDITION, "host " + dst.hostId() + " has no device type "
          + typeId + " (its board is " + dst.agent().config().labels().getOrDefault("gpu-board", "unknown") + ")");
    }
    Optional<HostTree.Gpu> packed = gpus.values().stream()
        .filter(g -> g.used() > 0 && g.refusal(typeId).isEmpty()).findFirst();
    Optional<HostTree.Gpu> empty = gpus.values().stream()
        .filter(g -> g.used() == 0 && g.refusal(typeId).isEmpty()).findFirst();
    return packed.or(() -> empty).orElseThrow(() -> new SimulationException(Kind.FAILED_PRECONDITION,
        "host " + dst.hostId() + ": no free instance of " + typeId + " on any GPU ("
            + gpus.values().stream().map(g -> g.refusal(typeId).orElse(g.address())).collect(Collectors.joining("; "))
            + ")"));
  }

  HostStatus upgradeHost(String hostId, String release, String driverVersion) {
    require(hostId, "host");
    require(release, "release");
    String releaseProblem = ReleaseText.problem(release.strip());
    if (releaseProblem != null) {
      // The agent would not take it from the file, and keep reporting the old release.
      throw new SimulationException(Kind.INVALID_ARGUMENT, "release " + releaseProblem);
    }
    String driver = driverVersion == null ? "" : driverVersion.strip();
    if (!driver.isEmpty() && !DRIVER_VERSION.matcher(driver).matches()) {
      throw new SimulationException(Kind.INVALID_ARGUMENT,
          "driver_version '" + driver + "' must look like 550.90.07, or be empty to keep the current one");
    }
    SimulatedHost h = host(hostId);
    List<ReentrantLock> held = lock(hostId);
    try {
      refuseIfFailed(h, "be upgraded");
      refuseIfRunsVms(h);
      TreeEdit edit = new TreeEdit();
      try {
        if (!driver.isEmpty()) {
          edit.write(h.root().resolve("sys/module/nvidia/version"), driver);
        }
        // What a package upgrade does on a real host: the file the agent reads its release from
        // changes; the agent sees it (at its next scan, or its watch within seconds).
        edit.write(releaseFile(h), release.strip());
      } catch (IOException | RuntimeException e) {
        try {
          edit.rollback();
        } catch (IOException again) {
          e.addSuppressed(again);
        }
        throw new SimulationException(Kind.INTERNAL,
            "upgrade of host " + hostId + " failed (" + e.getMessage() + "); the tree was restored", e);
      }
      // The prompt report a host's agent makes once it notices; asked here so callers need not wait.
      h.agent().requestReport();
      return status(hostId);
    } finally {
      held.forEach(ReentrantLock::unlock);
    }
  }

  /** The host's release file: the one its agent is configured to read. */
  private static Path releaseFile(SimulatedHost h) {
    return h.agent().config().releaseFile().orElseThrow(() -> new SimulationException(Kind.INTERNAL,
        "host " + h.hostId() + "'s agent reads no release file, so it cannot observe an upgrade"));
  }

  /** An upgrade reboots the host: one still running VMs has not been emptied, and is refused. */
  private void refuseIfRunsVms(SimulatedHost h) {
    long vms = vmHost.values().stream().filter(h.hostId()::equals).count();
    if (vms > 0) {
      throw new SimulationException(Kind.FAILED_PRECONDITION, "host " + h.hostId() + " still runs " + vms + " VM"
          + (vms == 1 ? "" : "s") + " and cannot be upgraded; migrate them away first");
    }
  }

  HostStatus failHost(String hostId) {
    require(hostId, "host");
    SimulatedHost h = host(hostId);
    List<ReentrantLock> held = lock(hostId);
    try {
      h.agent().suspend();
      failed.add(hostId);
      return status(hostId);
    } finally {
      held.forEach(ReentrantLock::unlock);
    }
  }

  HostStatus recoverHost(String hostId) {
    require(hostId, "host");
    SimulatedHost h = host(hostId);
    List<ReentrantLock> held = lock(hostId);
    try {
      failed.remove(hostId);
      h.agent().resume();
      return status(hostId);
    } finally {
      held.forEach(ReentrantLock::unlock);
    }
  }

  boolean isFailed(String hostId) {
    return failed.contains(hostId);
  }

  /** Tests: the next migration's source-side edit fails at this step (0 = its first write). */
  void failNextSourceEditAt(int step) {
    failNextSourceEditAt = step;
  }

  private SimulatedHost host(String hostId) {
    SimulatedHost h = hosts.get(hostId);
    if (h == null) {
      throw new SimulationException(Kind.NOT_FOUND, "no host " + hostId + " in the simulated fleet");
    }
    return h;
  }

  private void refuseIfFailed(SimulatedHost h, String what) {
    if (failed.contains(h.hostId())) {
      throw new SimulationException(Kind.FAILED_PRECONDITION,
          "host " + h.hostId() + " is failed and cannot " + what + "; recover it first");
    }
  }

  /** Takes the hosts' locks in id order, so two operations on the same pair never deadlock. */
  private List<ReentrantLock> lock(String... hostIds) {
    List<ReentrantLock> held = new ArrayList<>();
    for (String id : new java.util.TreeSet<>(List.of(hostIds))) {
      ReentrantLock lock = locks.get(id);
      lock.lock();
      held.add(lock);
    }
    return held;
  }

  private static String driverVersion(SimulatedHost h) {
    try {
      return Files.readString(h.root().resolve("sys/module/nvidia/version")).strip();
    } catch (IOException e) {
      return "";
    }
  }

  private static Map<String, HostTree.Gpu> byAddress(List<HostTree.Gpu> gpus) {
    Map<String, HostTree.Gpu> map = new LinkedHashMap<>();
    gpus.forEach(g -> map.put(g.address(), g));
    return map;
  }

  private static List<String> touched(List<String[]> moves, int column) {
    return moves.stream().map(mv -> mv[column]).distinct().sorted().toList();
  }

  private static void require(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new SimulationException(Kind.INVALID_ARGUMENT, field + " is required");
    }
  }
}
