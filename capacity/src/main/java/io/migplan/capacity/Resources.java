package io.migplan.capacity;

/**
 * Names of what one mdev takes from its parent, as keys of {@code TypeDemand.resources} and of a
 * parent's pools. They are also the keys under which the agent stores a type's parsed description,
 * so a demand reads its numbers straight from the attributes.
 */
public final class Resources {
  /** NVIDIA: framebuffer of one vGPU, MiB. */
  public static final String FRAMEBUFFER_MIB = "framebuffer_mib";
  /** NVIDIA MIG-backed vGPU: GPU instance slices; such types neither set nor respect a size lock. */
  public static final String GPU_INSTANCE_SLICES = "gpu_instance_slices";
  /** GVT-g: aperture (low graphics memory), MiB. */
  public static final String LOW_GM_MIB = "low_gm_mib";
  /** GVT-g: hidden (high) graphics memory, MiB. */
  public static final String HIGH_GM_MIB = "high_gm_mib";
  /** GVT-g: fence registers. */
  public static final String FENCES = "fences";
  /** mtty: serial ports. */
  public static final String PORTS = "ports";
  /** mdpy: devices. */
  public static final String DEVICES = "devices";
  /** mbochs: video memory, MiB. */
  public static final String MEMORY_MIB = "memory_mib";

  private Resources() {}
}
