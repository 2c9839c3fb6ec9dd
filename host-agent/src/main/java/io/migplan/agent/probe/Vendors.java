package io.migplan.agent.probe;

import io.migplan.proto.v1.ParentDevice;

/**
 * The vendor a probe configuration and the rules are keyed by: the parent's bound driver as sysfs
 * shows it ({@code nvidia}, {@code i915}, {@code vfio_ccw}); where sysfs shows no driver link (the
 * kernel's virtual sample parents, trees without one), the type id's prefix, which the mdev core
 * builds as {@code <dev_driver_string(parent)>-<name>} (fixtures/kernel/KERNEL-FACTS.md section
 * 1). Empty when neither says.
 */
final class Vendors {
  private Vendors() {}

  static String of(ParentDevice parent, String typeId) {
    if (!parent.getDriver().isEmpty()) {
      return parent.getDriver();
    }
    int dash = typeId.indexOf('-');
    return dash > 0 ? typeId.substring(0, dash) : "";
  }
}
