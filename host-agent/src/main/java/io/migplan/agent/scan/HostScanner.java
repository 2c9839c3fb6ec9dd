package io.migplan.agent.scan;

import io.migplan.agent.inventory.HostRoot;
import io.migplan.agent.config.AgentConfig;
import io.migplan.agent.inventory.MdevInventory;
import io.migplan.agent.inventory.MdevInventoryReader;
import io.migplan.agent.inventory.Problems;
import io.migplan.agent.libvirt.DomainXmlReader;
import io.migplan.proto.v1.Host;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.Problem;
import io.migplan.proto.v1.Vm;
import java.util.HashSet;
import java.util.Set;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Assembles one {@link HostSnapshot}: host facts, parents with types, active mdevs, running VMs
 * and every problem met on the way, stamped with a fresh generation. Never throws: whatever
 * cannot be read is a problem in the snapshot. Does not decide when to scan or whom to tell.
 */
public final class HostScanner {
  private final HostRoot root;
  private final HostFactsReader facts;
  private final MdevInventoryReader mdevs;
  private final DomainXmlReader domains;
  private final GenerationClock generations;
  private final LongSupplier clock;
  private final ObservedRelease release;
  private volatile String agentEndpoint = "";

  public HostScanner(AgentConfig config) {
    this(config, new GenerationClock(), System::currentTimeMillis);
  }

  public HostScanner(AgentConfig config, GenerationClock generations, LongSupplier clock) {
    this(config, generations, clock, new ObservedRelease(ReleaseSource.of(config)));
  }

  /** As above, observing the release through {@code release} (kept across a reload that keeps its source). */
  public HostScanner(AgentConfig config, GenerationClock generations, LongSupplier clock, ObservedRelease release) {
    this.root = HostRoot.of(config.root());
    this.release = release;
    this.facts = new HostFactsReader(config, root, release);
    this.mdevs = new MdevInventoryReader(root, config.driverVersion(), config.nvidiaMixedSizeParents());
    this.domains = new DomainXmlReader(root);
    this.generations = generations;
    this.clock = clock;
  }

  public GenerationClock generations() {
    return generations;
  }

  public HostRoot root() {
    return root;
  }

  /** Where the host's release is observed: re-read at every scan. */
  public ObservedRelease release() {
    return release;
  }

  /** The host:port reported in {@code host.agent_endpoint}; known once the server is bound. */
  public void setAgentEndpoint(String endpoint) {
    this.agentEndpoint = endpoint;
  }

  public HostSnapshot scan() {
    List<Problem> problems = new ArrayList<>();
    HostSnapshot.Builder snapshot = HostSnapshot.newBuilder();
    try {
      Host host = facts.read(problems).toBuilder().setAgentEndpoint(agentEndpoint).build();
      snapshot.setHost(host);
      MdevInventory inventory = mdevs.read();
      snapshot.addAllParents(inventory.parents()).addAllInstances(inventory.instances());
      problems.addAll(inventory.problems());
      DomainXmlReader.Result vms = domains.read(inventory.pciDeviceIds());
      snapshot.addAllVms(vms.vms());
      problems.addAll(vms.problems());
      problems.addAll(unheld(root, inventory.instances(), vms.vms()));
    } catch (RuntimeException e) {
      // The readers catch their own faults; this is the last net so a scan always answers.
      problems.add(
          Problems.scan(root.root(), "The scan stopped early (" + Problems.describe(e) + "); see the agent log."));
    }
    problems.sort(Comparator.comparing(Problem::getPath).thenComparing(Problem::getMessage));
    return snapshot
        .addAllProblems(problems)
        .setGeneration(generations.next())
        .setScannedAtUnixMs(clock.getAsLong())
        .build();
  }

  /**
   * An active mdev that no running domain holds is a problem, not silence: either a domain file
   * the agent could not read uses it, or it was left behind by a migration. Either way the host
   * is not proven empty while it exists.
   */
  static List<Problem> unheld(HostRoot root, List<DeviceInstance> instances, List<Vm> vms) {
    Set<String> held = new HashSet<>();
    vms.forEach(vm -> held.addAll(vm.getDeviceUuidsList()));
    List<Problem> out = new ArrayList<>();
    for (DeviceInstance d : instances) {
      if (!held.contains(d.getUuid())) {
        out.add(
            Problems.libvirt(
                root.mdevDevices().resolve(d.getUuid()),
                "mdev "
                    + d.getUuid()
                    + " ("
                    + d.getTypeId()
                    + " on "
                    + d.getParentAddress()
                    + ") is active but no running domain the agent read holds it; remove it"
                    + " (mdevctl stop) if nothing uses it."));
      }
    }
    return out;
  }

  /** The snapshot without what changes on every scan, for "did anything change?" checks. */
  public static HostSnapshot content(HostSnapshot snapshot) {
    return snapshot.toBuilder().clearGeneration().clearScannedAtUnixMs().build();
  }
}
