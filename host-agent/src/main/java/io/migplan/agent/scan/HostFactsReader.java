package io.migplan.agent.scan;

import io.migplan.agent.inventory.HostRoot;
import io.migplan.agent.config.AgentConfig;
import io.migplan.agent.inventory.Problems;
import io.migplan.proto.v1.Host;
import io.migplan.proto.v1.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The host's own facts: id, failure domain, labels and libvirt URI from the config; the release
 * from where the config says ({@link ObservedRelease}, re-read at every call); CPUs and memory
 * from the config when set, else from the host ({@code /proc/meminfo} under the root, and the
 * JVM's processor count). Does not set the agent endpoint, which only the running server knows.
 */
public final class HostFactsReader {
  private final AgentConfig config;
  private final HostRoot root;
  private final IntSupplier processors;
  private final ObservedRelease release;

  public HostFactsReader(AgentConfig config, HostRoot root) {
    this(config, root, new ObservedRelease(ReleaseSource.of(config)));
  }

  public HostFactsReader(AgentConfig config, HostRoot root, ObservedRelease release) {
    this(config, root, () -> Runtime.getRuntime().availableProcessors(), release);
  }

  HostFactsReader(AgentConfig config, HostRoot root, IntSupplier processors) {
    this(config, root, processors, new ObservedRelease(ReleaseSource.of(config)));
  }

  HostFactsReader(AgentConfig config, HostRoot root, IntSupplier processors, ObservedRelease release) {
    this.config = config;
    this.root = root;
    this.processors = processors;
    this.release = release;
  }

  public Host read(List<Problem> problems) {
    ObservedRelease.Observation observed = release.observe();
    observed.problem().ifPresent(problems::add);
    Host.Builder host =
        Host.newBuilder()
            .setId(config.hostId())
            .setRelease(observed.release())
            .setLibvirtUri(config.effectiveLibvirtUri())
            .setFailureDomain(config.failureDomain())
            .putAllLabels(config.labels());
    host.setCpus(config.cpus().orElseGet(processors::getAsInt));
    if (config.memoryMib().isPresent()) {
      host.setMemoryMib(config.memoryMib().get());
    } else {
      host.setMemoryMib(memTotalMib(root.procMeminfo(), problems));
    }
    // Ratios only when configured: unset, the scheduler's default (1.0) or its central rule applies.
    config.cpuAllocationRatio().ifPresent(host::setCpuAllocationRatio);
    config.memoryAllocationRatio().ifPresent(host::setMemoryAllocationRatio);
    host.setReservedCpus(config.reservedCpus());
    host.setReservedMemoryMib(config.reservedMemoryMib());
    return host.build();
  }

  /** MemTotal from meminfo (the kernel prints it in kB, meaning KiB), in whole MiB; 0 if unknown. */
  static long memTotalMib(Path meminfo, List<Problem> problems) {
    if (!Files.exists(meminfo)) {
      problems.add(
          Problems.host(
              meminfo,
              "Host memory is unknown: "
                  + meminfo
                  + " does not exist; set memoryMib in the agent config."));
      return 0;
    }
    try {
      for (String line : Files.readAllLines(meminfo)) {
        if (line.startsWith("MemTotal:")) {
          String[] parts = line.substring("MemTotal:".length()).strip().split("\\s+");
          return Long.parseLong(parts[0]) / 1024;
        }
      }
      problems.add(
          Problems.host(
              meminfo, "Host memory is unknown: no MemTotal line; set memoryMib in the agent config."));
    } catch (IOException | RuntimeException e) {
      problems.add(
          Problems.host(
              meminfo,
              "Host memory is unknown ("
                  + Problems.describe(e)
                  + "); set memoryMib in the agent config."));
    }
    return 0;
  }
}
