package io.migplan.capacity;

import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.proto.v1.TypeDemand;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kernel's sample mdev drivers, each one pool shared by its types (KERNEL-FACTS.md section
 * 2): mtty's serial ports ({@code ports}), mdpy's device count ({@code devices}) and mbochs'
 * video memory ({@code memory_mib}). Arithmetic is {@link SharedPoolModel}'s.
 *
 * <p>The pool sizes are module parameters, so a scan infers them from the counts it sees; the
 * {@code DEFAULT_*} values are what a module loaded without parameters starts with.
 */
public final class SamplePoolModels {
  /** MAX_MTTYS in samples/vfio-mdev/mtty.c. */
  public static final long DEFAULT_MTTY_PORTS = 24;
  /** max_devices, the default of mdpy.c's {@code count} parameter. */
  public static final long DEFAULT_MDPY_DEVICES = 4;
  /** max_mbytes, the default of mbochs.c's memory parameter (MiB). */
  public static final long DEFAULT_MBOCHS_MIB = 256;

  public static final String PORTS = Resources.PORTS;
  public static final String DEVICES = Resources.DEVICES;
  public static final String MEMORY = Resources.MEMORY_MIB;

  private SamplePoolModels() {}

  public static boolean isSampleDriver(String driver) {
    return driver.equals("mtty") || driver.equals("mdpy") || driver.equals("mbochs");
  }

  public static Capacity infer(
      Map<String, TypeDemand> demands, Map<String, Integer> available, List<String> instanceTypes) {
    return SharedPoolModel.infer(CapacityRule.CAPACITY_RULE_SHARED_POOL, demands, available, instanceTypes);
  }

  /** A freshly loaded module's pool of one resource. */
  public static Capacity fresh(String resource, long total, Map<String, TypeDemand> demands) {
    return Capacity.newBuilder()
        .setRule(CapacityRule.CAPACITY_RULE_SHARED_POOL)
        .putPoolTotal(resource, total)
        .putPoolFree(resource, total)
        .putAllDemand(demands)
        .build();
  }

  /** What one instance takes of a sample driver's pool; empty when the value was not read. */
  public static Optional<TypeDemand> amount(String resource, String value) {
    if (value == null) {
      return Optional.empty();
    }
    return Optional.of(TypeDemand.newBuilder().putResources(resource, Long.parseLong(value)).build());
  }
}
