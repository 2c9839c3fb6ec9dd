package io.migplan.agent.sim;

import java.util.List;

/**
 * A GPU board the simulator can put in a host, with its real mdev types. Only time-sliced,
 * mdev-era boards: their capacity follows the equal-size rule (fixtures/FACTS.md section 3a). It
 * does not model SR-IOV boards (A16, A40: one vGPU per VF) nor mixed-size mode.
 */
public record GpuBoard(
    String model, String pciDeviceId, int framebufferMib, List<VgpuType> types, List<String> popularTypes) {

  /** One vGPU type as the NVIDIA driver lists it under mdev_supported_types. */
  public record VgpuType(
      String typeId,
      String name,
      int framebufferMib,
      int numHeads,
      int frlConfig,
      String maxResolution,
      int maxInstance) {

    /** The driver's one-line description grammar (nvidia/OBSERVED.md section A). */
    public String description() {
      return "num_heads="
          + numHeads
          + ", frl_config="
          + frlConfig
          + ", framebuffer="
          + framebufferMib
          + "M, max_resolution="
          + maxResolution
          + ", max_instance="
          + maxInstance;
    }
  }

  public VgpuType type(String typeId) {
    return types.stream()
        .filter(t -> t.typeId.equals(typeId))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("board " + model + " has no " + typeId));
  }

  private static final int GIB = 1024;

  /**
   * Tesla T4, 16 GiB: the type table of nvidia/OBSERVED.md section B (vgpuConfig.xml of driver
   * 510.47.03), the same values as fixtures/derived/nvidia-2xT4-host. PCI id 10de:1eb8.
   */
  public static final GpuBoard T4 =
      new GpuBoard(
          "T4",
          "0x1eb8",
          16 * GIB,
          List.of(
              t("nvidia-222", "GRID T4-1B", 1, 4, 45, "5120x2880", 16),
              t("nvidia-223", "GRID T4-2B", 2, 4, 45, "5120x2880", 8),
              t("nvidia-224", "GRID T4-2B4", 2, 4, 45, "5120x2880", 8),
              t("nvidia-225", "GRID T4-1A", 1, 1, 60, "1280x1024", 16),
              t("nvidia-226", "GRID T4-2A", 2, 1, 60, "1280x1024", 8),
              t("nvidia-227", "GRID T4-4A", 4, 1, 60, "1280x1024", 4),
              t("nvidia-228", "GRID T4-8A", 8, 1, 60, "1280x1024", 2),
              t("nvidia-229", "GRID T4-16A", 16, 1, 60, "1280x1024", 1),
              t("nvidia-230", "GRID T4-1Q", 1, 4, 60, "5120x2880", 16),
              t("nvidia-231", "GRID T4-2Q", 2, 4, 60, "7680x4320", 8),
              t("nvidia-232", "GRID T4-4Q", 4, 4, 60, "7680x4320", 4),
              t("nvidia-233", "GRID T4-8Q", 8, 4, 60, "7680x4320", 2),
              t("nvidia-234", "GRID T4-16Q", 16, 4, 60, "7680x4320", 1),
              t("nvidia-252", "GRID T4-1B4", 1, 4, 45, "5120x2880", 16),
              t("nvidia-319", "GRID T4-4C", 4, 1, 60, "4096x2160", 4),
              t("nvidia-320", "GRID T4-8C", 8, 1, 60, "4096x2160", 2),
              t("nvidia-321", "GRID T4-16C", 16, 1, 60, "4096x2160", 1)),
          // VMs are placed on a few common profiles so that several hosts share each type.
          List.of("nvidia-222", "nvidia-230", "nvidia-231", "nvidia-232"));

  /**
   * Tesla V100 16 GB: nvidia-105..108 = V100-1Q/2Q/4Q/8Q with max 16/8/4/2, as listed on a real
   * host in the OpenStack charm README (nvidia/OBSERVED.md section C). That listing gives no
   * heads or resolutions; the Q-series values of the T4 table are assumed. PCI id 10de:1db4
   * (GV100GL Tesla V100 PCIe 16GB in the PCI ID database).
   */
  public static final GpuBoard V100 =
      new GpuBoard(
          "V100",
          "0x1db4",
          16 * GIB,
          List.of(
              t("nvidia-105", "GRID V100-1Q", 1, 4, 60, "5120x2880", 16),
              t("nvidia-106", "GRID V100-2Q", 2, 4, 60, "7680x4320", 8),
              t("nvidia-107", "GRID V100-4Q", 4, 4, 60, "7680x4320", 4),
              t("nvidia-108", "GRID V100-8Q", 8, 4, 60, "7680x4320", 2)),
          List.of("nvidia-105", "nvidia-106", "nvidia-107"));

  /**
   * Tesla P40, 24 GiB (PCI id 10de:1b38, GP102GL Tesla P40 in the PCI ID database).
   *
   * <p>Observed (nvidia/OBSERVED.md D1 and D5, mdevctl #115 and a Proxmox guide): nvidia-46 =
   * P40-1Q (max 24), nvidia-156 = 2B (12), 215 = 2B4 (12), 241 = 1B4 (24), 283/284/285/286 =
   * 4C/6C/8C/12C (6/4/3/2), C-series description {@code num_heads=1, frl_config=60,
   * framebuffer=4096M, max_resolution=4096x2400, max_instance=6}.
   *
   * <p>Assumed: the block nvidia-46..62 (section B) holds the 17 profiles of the P40's original
   * type table in the order NVIDIA's tables list them, Q sizes first (46..53 = 1Q 2Q 3Q 4Q 6Q 8Q
   * 12Q 24Q), then A sizes (54..61), then 1B (62); only 46 = 1Q is observed. Heads, rates and
   * resolutions of the Q, A and B series are the T4 table's (section B); max_instance = 24 GiB /
   * framebuffer as section A states.
   */
  public static final GpuBoard P40 =
      new GpuBoard(
          "P40",
          "0x1b38",
          24 * GIB,
          List.of(
              t("nvidia-46", "GRID P40-1Q", 1, 4, 60, "5120x2880", 24),
              t("nvidia-47", "GRID P40-2Q", 2, 4, 60, "7680x4320", 12),
              t("nvidia-48", "GRID P40-3Q", 3, 4, 60, "7680x4320", 8),
              t("nvidia-49", "GRID P40-4Q", 4, 4, 60, "7680x4320", 6),
              t("nvidia-50", "GRID P40-6Q", 6, 4, 60, "7680x4320", 4),
              t("nvidia-51", "GRID P40-8Q", 8, 4, 60, "7680x4320", 3),
              t("nvidia-52", "GRID P40-12Q", 12, 4, 60, "7680x4320", 2),
              t("nvidia-53", "GRID P40-24Q", 24, 4, 60, "7680x4320", 1),
              t("nvidia-54", "GRID P40-1A", 1, 1, 60, "1280x1024", 24),
              t("nvidia-55", "GRID P40-2A", 2, 1, 60, "1280x1024", 12),
              t("nvidia-56", "GRID P40-3A", 3, 1, 60, "1280x1024", 8),
              t("nvidia-57", "GRID P40-4A", 4, 1, 60, "1280x1024", 6),
              t("nvidia-58", "GRID P40-6A", 6, 1, 60, "1280x1024", 4),
              t("nvidia-59", "GRID P40-8A", 8, 1, 60, "1280x1024", 3),
              t("nvidia-60", "GRID P40-12A", 12, 1, 60, "1280x1024", 2),
              t("nvidia-61", "GRID P40-24A", 24, 1, 60, "1280x1024", 1),
              t("nvidia-62", "GRID P40-1B", 1, 4, 45, "5120x2880", 24),
              t("nvidia-156", "GRID P40-2B", 2, 4, 45, "5120x2880", 12),
              t("nvidia-215", "GRID P40-2B4", 2, 4, 45, "5120x2880", 12),
              t("nvidia-241", "GRID P40-1B4", 1, 4, 45, "5120x2880", 24),
              t("nvidia-283", "GRID P40-4C", 4, 1, 60, "4096x2400", 6),
              t("nvidia-284", "GRID P40-6C", 6, 1, 60, "4096x2400", 4),
              t("nvidia-285", "GRID P40-8C", 8, 1, 60, "4096x2400", 3),
              t("nvidia-286", "GRID P40-12C", 12, 1, 60, "4096x2400", 2)),
          List.of("nvidia-46", "nvidia-47", "nvidia-49", "nvidia-156"));

  public static final List<GpuBoard> ALL = List.of(T4, V100, P40);

  /** The board named {@code model} ("T4", "V100", "P40"). */
  public static java.util.Optional<GpuBoard> byModel(String model) {
    return ALL.stream().filter(b -> b.model().equals(model)).findFirst();
  }

  private static VgpuType t(
      String id, String name, int fbGib, int heads, int frl, String res, int max) {
    return new VgpuType(id, name, fbGib * GIB, heads, frl, res, max);
  }
}
