package io.migplan.agent.inventory;

import static io.migplan.agent.SysfsTrees.T4;
import static io.migplan.agent.SysfsTrees.device;
import static io.migplan.agent.SysfsTrees.domain;
import static io.migplan.agent.SysfsTrees.mdev;
import static io.migplan.agent.SysfsTrees.mdevParent;
import static io.migplan.agent.SysfsTrees.nvidiaType;
import static io.migplan.agent.SysfsTrees.pciHostdev;
import static io.migplan.agent.SysfsTrees.physfn;
import static io.migplan.agent.SysfsTrees.type;
import static io.migplan.agent.SysfsTrees.vgpuVf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.migplan.agent.scan.HostScanner;
import io.migplan.agent.SysfsTrees.NvidiaType;
import io.migplan.agent.config.AgentConfig;
import io.migplan.capacity.CapacityModels;
import io.migplan.capacity.OnePerVfModel;
import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.ParentKind;
import io.migplan.proto.v1.Vm;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per device layout operators run: parsed attributes, raw values and the capacity model. */
class LayoutsTest {
  @TempDir Path root;

  private MdevInventory read() {
    return new MdevInventoryReader(HostRoot.of(root), Optional.empty()).read();
  }

  private static ParentDevice parent(MdevInventory inventory, String address) {
    return inventory.parents().stream().filter(p -> p.getAddress().equals(address)).findFirst().orElseThrow();
  }

  private static DeviceType typeOf(ParentDevice parent, String typeId) {
    return parent.getTypesList().stream().filter(t -> t.getTypeId().equals(typeId)).findFirst().orElseThrow();
  }

  /** The model must say what the driver says now: for every type, fits == available_instances. */
  private static void assertModelReproducesSysfs(ParentDevice parent) {
    for (DeviceType t : parent.getTypesList()) {
      assertThat(CapacityModels.fits(parent.getCapacity(), t.getTypeId()))
          .as("fits(%s) on %s", t.getTypeId(), parent.getAddress())
          .isEqualTo(t.getAvailableInstances());
    }
  }

  @Test
  void nvidiaTimeSlicedGpuReportsDescriptionFieldsRawValuesAndAnEqualSizeLock() {
    String gpu = "pci0000:3a/0000:3a:00.0/0000:3b:00.0";
    Path dir = mdevParent(root, gpu);
    for (NvidiaType t : T4) {
      // Two 2 GiB vGPUs present: the 2 GiB types read 8 - 2, every other size 0 (FACTS.md 3a).
      nvidiaType(dir, t, t.fbMib() == 2048 ? t.max() - 2 : 0);
    }
    mdev(root, gpu, "0a3e1b6c-7d2f-4c1e-9b7a-5f0e2d3c4b01", "nvidia-231");
    mdev(root, gpu, "0a3e1b6c-7d2f-4c1e-9b7a-5f0e2d3c4b02", "nvidia-231");

    MdevInventory inventory = read();

    assertThat(inventory.problems()).isEmpty();
    ParentDevice p = parent(inventory, "0000:3b:00.0");
    assertThat(p.getKind()).isEqualTo(ParentKind.PARENT_KIND_MDEV);
    assertThat(p.getPhysicalFunction()).isEmpty();
    DeviceType t231 = typeOf(p, "nvidia-231");
    assertThat(t231.getAttributesMap()).containsOnly(
        entry("framebuffer_mib", "2048"), entry("max_instance", "8"), entry("num_heads", "4"),
        entry("frl_config", "60"), entry("max_resolution", "7680x4320"));
    assertThat(t231.getRawMap()).containsOnly(
        entry("available_instances", "6\n"), entry("device_api", "vfio-pci\n"), entry("name", "GRID T4-2Q\n"),
        entry("description", "num_heads=4, frl_config=60, framebuffer=2048M, max_resolution=7680x4320, max_instance=8\n"));
    Capacity c = p.getCapacity();
    assertThat(c.getRule()).isEqualTo(CapacityRule.CAPACITY_RULE_NVIDIA_EQUAL_SIZE);
    assertThat(c.getLockedFramebufferMib()).isEqualTo(2048);
    assertThat(c.getUsedInstances()).isEqualTo(2);
    assertThat(c.getDemandOrThrow("nvidia-222").getResourcesMap()).containsOnly(entry("framebuffer_mib", 1024L));
    assertThat(c.getDemandOrThrow("nvidia-222").getMaxInstances()).isEqualTo(16);
    assertModelReproducesSysfs(p);
  }

  @Test
  void nvidiaGpuShowingTwoSizesAtOnceIsReadAsMixedSizeAndConfigCanSayItForAnEmptyGpu() {
    String gpu = "pci0000:3a/0000:3a:00.0/0000:3b:00.0";
    Path dir = mdevParent(root, gpu);
    // One 2 GiB vGPU, and 4 GiB types still creatable: impossible in equal-size mode.
    for (NvidiaType t : T4) {
      nvidiaType(dir, t, Math.min(t.max(), (16384 - 2048) / t.fbMib()));
    }
    mdev(root, gpu, "0a3e1b6c-7d2f-4c1e-9b7a-5f0e2d3c4b01", "nvidia-231");
    String empty = "pci0000:d7/0000:d7:00.0/0000:d8:00.0";
    Path emptyDir = mdevParent(root, empty);
    T4.forEach(t -> nvidiaType(emptyDir, t, t.max()));

    MdevInventory seen = read();
    MdevInventory configured =
        new MdevInventoryReader(HostRoot.of(root), Optional.empty(), Set.of("0000:d8:00.0")).read();

    ParentDevice mixed = parent(seen, "0000:3b:00.0");
    assertThat(mixed.getCapacity().getRule()).isEqualTo(CapacityRule.CAPACITY_RULE_NVIDIA_MIXED_SIZE);
    assertThat(mixed.getCapacity().getPoolTotalMap()).containsOnly(entry("framebuffer_mib", 16384L));
    assertThat(mixed.getCapacity().getPoolFreeMap()).containsOnly(entry("framebuffer_mib", 14336L));
    assertModelReproducesSysfs(mixed);
    assertThat(parent(seen, "0000:d8:00.0").getCapacity().getRule()).isEqualTo(CapacityRule.CAPACITY_RULE_NVIDIA_EQUAL_SIZE);
    assertThat(parent(configured, "0000:d8:00.0").getCapacity().getRule())
        .isEqualTo(CapacityRule.CAPACITY_RULE_NVIDIA_MIXED_SIZE);
  }

  @Test
  void theMixedSizeConfigKeyReachesTheScanner() {
    String gpu = "pci0000:d7/0000:d7:00.0/0000:d8:00.0";
    Path dir = mdevParent(root, gpu);
    T4.forEach(t -> nvidiaType(dir, t, t.max()));
    AgentConfig config = AgentConfig.parseYaml(
        "hostId: h\nrelease: r\ncpus: 8\nmemoryMib: 1024\nroot: " + root + "\nnvidiaMixedSizeParents: [\"*\"]\n");

    HostSnapshot s = new HostScanner(config).scan();

    assertThat(config.nvidiaMixedSizeParents()).containsExactly("*");
    assertThat(s.getParents(0).getCapacity().getRule()).isEqualTo(CapacityRule.CAPACITY_RULE_NVIDIA_MIXED_SIZE);
    assertModelReproducesSysfs(s.getParents(0));
  }

  @Test
  void nvidiaSriovVfsCarryTheirPhysicalFunctionAndShareOneCapacityGroup() {
    // L40S-1B as seen on a VF parent (nvidia/OBSERVED.md section C); the 2B row is this test's.
    NvidiaType l40s1b = new NvidiaType("nvidia-1145", "NVIDIA L40S-1B", 1024, 4, 45, "5120x2880", 32);
    NvidiaType l40s2b = new NvidiaType("nvidia-1146", "NVIDIA L40S-2B", 2048, 4, 45, "5120x2880", 16);
    String[] vfs = {"0000:59:00.4", "0000:59:00.5", "0000:59:00.6"};
    for (int i = 0; i < vfs.length; i++) {
      String path = "pci0000:58/0000:58:00.0/" + vfs[i];
      Path dir = mdevParent(root, path);
      physfn(root, path, i);
      boolean holdsOne = i == 0;
      // Each VF holds at most one vGPU; the 1 GiB lock of VF .4 leaves the 2 GiB type at 0 everywhere.
      nvidiaType(dir, l40s1b, holdsOne ? 0 : 1);
      nvidiaType(dir, l40s2b, 0);
    }
    mdev(root, "pci0000:58/0000:58:00.0/0000:59:00.4", "6f1c1a62-0c5e-4f43-9c7e-3c1d9b1f0001", "nvidia-1145");

    MdevInventory inventory = read();

    assertThat(inventory.problems()).isEmpty();
    List<Capacity> group = inventory.parents().stream().map(ParentDevice::getCapacity).toList();
    for (ParentDevice vf : inventory.parents()) {
      assertThat(vf.getPhysicalFunction()).isEqualTo("0000:59:00.0");
      assertThat(vf.getCapacity().getRule()).isEqualTo(CapacityRule.CAPACITY_RULE_ONE_PER_VF);
      assertThat(vf.getCapacity().getGroup()).isEqualTo("0000:59:00.0");
      assertThat(vf.getCapacity().getLockedFramebufferMib()).isEqualTo(1024);
      assertThat(typeOf(vf, "nvidia-1145").getAttributesMap()).containsEntry("max_instance", "32");
      assertModelReproducesSysfs(vf);
    }
    assertThat(inventory.parents().get(0).getCapacity().getUsedInstances()).isEqualTo(1);
    assertThat(OnePerVfModel.fitsInGroup(group, "nvidia-1145")).isEqualTo(2);
    assertThat(OnePerVfModel.fitsInGroup(group, "nvidia-1146")).isZero();
    List<Capacity> after = OnePerVfModel.afterCreateInGroup(group, "nvidia-1145");
    assertThat(OnePerVfModel.fitsInGroup(after, "nvidia-1145")).isEqualTo(1);
  }

  @Test
  void nvidiaVgpu17VfsWithoutMdevAreParentsAndTheirVgpuIsTheDeviceOfTheVmHoldingTheVf() {
    String header = "ID : vGPU type\n";
    vgpuVf(root, "pci0000:40/0000:40:01.0/0000:41:00.4", 0, header + "1414 : NVIDIA H200X-1-18C\n", "1414\n");
    vgpuVf(root, "pci0000:40/0000:40:01.0/0000:41:00.5", 1, header + "1414 : NVIDIA H200X-1-18C\n", "0\n");
    vgpuVf(root, "pci0000:40/0000:40:01.0/0000:41:00.6", 2, "", "0");
    device(root, "pci0000:00/0000:00:1f.0"); // a PCI device without nvidia/: not a parent
    io.migplan.agent.SysfsTrees.pciBusLink(root, "pci0000:00/0000:00:1f.0");
    domain(root, "vm-h200", "5b2b1a1e-0d1e-4c53-8a0a-2f1e0c9d0001", pciHostdev(0, 0x41, 0, 4), pciHostdev(0, 0, 0x1f, 0));

    HostSnapshot s = new HostScanner(AgentConfig.builder().hostId("h").release("r").root(root).cpus(8).memoryMib(1024L).build()).scan();

    assertThat(s.getProblemsList()).isEmpty();
    assertThat(s.getParentsList()).extracting(ParentDevice::getAddress)
        .containsExactly("0000:41:00.4", "0000:41:00.5", "0000:41:00.6");
    String id = "6e766770-0000-8000-8000-000000410004";
    assertThat(VgpuDeviceIds.forAddress("0000:41:00.4")).contains(id);
    assertThat(s.getInstancesList()).containsExactly(
        DeviceInstance.newBuilder().setUuid(id).setTypeId("nvidia-1414").setParentAddress("0000:41:00.4").build());
    assertThat(s.getVmsList()).extracting(Vm::getName, Vm::getDeviceUuidsList)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("vm-h200", List.of(id)));
    ParentDevice busy = s.getParents(0);
    ParentDevice free = s.getParents(1);
    assertThat(busy.getKind()).isEqualTo(ParentKind.PARENT_KIND_NVIDIA_VGPU);
    assertThat(busy.getPhysicalFunction()).isEqualTo("0000:41:00.0");
    assertThat(busy.getBoard()).isEqualTo("H200X");
    assertThat(typeOf(busy, "nvidia-1414").getAvailableInstances()).isZero();
    assertThat(typeOf(busy, "nvidia-1414").getRawMap()).containsOnly(
        entry("creatable_vgpu_types", "1414 : NVIDIA H200X-1-18C"), entry("current_vgpu_type", "1414\n"));
    DeviceType creatable = typeOf(free, "nvidia-1414");
    assertThat(creatable.getName()).isEqualTo("NVIDIA H200X-1-18C");
    assertThat(creatable.getDeviceApi()).isEqualTo("vfio-pci");
    assertThat(creatable.getAvailableInstances()).isEqualTo(1);
    assertThat(creatable.getAttributesMap()).containsOnly(
        entry("framebuffer_mib", "18432"), entry("series", "C"), entry("gpu_instance_slices", "1"));
    assertThat(s.getParents(2).getTypesList()).isEmpty();
    for (ParentDevice vf : s.getParentsList()) {
      assertThat(vf.getCapacity().getRule()).isEqualTo(CapacityRule.CAPACITY_RULE_ONE_PER_VF);
      assertThat(vf.getCapacity().getGroup()).isEqualTo("0000:41:00.0");
      assertModelReproducesSysfs(vf);
    }
  }

  @Test
  void gvtgDescriptionLinesBecomeAttributesAndPoolsAreInferredFromTheCounts() {
    String igpu = "pci0000:00/0000:00:02.0";
    Path dir = mdevParent(root, igpu);
    // FACTS.md 3c worked example after one V5_4: 5/4/2/1.
    type(dir, "i915-GVTg_V5_8", 5, "vfio-pci", "GVTg_V5_8", "low_gm_size: 64MB\nhigh_gm_size: 384MB\nfence: 4\nresolution: 1024x768\nweight: 2\n");
    type(dir, "i915-GVTg_V5_4", 4, "vfio-pci", "GVTg_V5_4", "low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\nresolution: 1920x1200\nweight: 4\n");
    type(dir, "i915-GVTg_V5_2", 2, "vfio-pci", "GVTg_V5_2", "low_gm_size: 256MB\nhigh_gm_size: 1024MB\nfence: 4\nresolution: 1920x1200\nweight: 8\n");
    type(dir, "i915-GVTg_V5_1", 1, "vfio-pci", null, "low_gm_size: 512MB\nhigh_gm_size: 2048MB\nfence: 4\nresolution: 1920x1200\nweight: 16\n");
    mdev(root, igpu, "5c1f6e0a-2b7d-4d3e-8f1a-9c0b7e6d5a41", "i915-GVTg_V5_4");

    MdevInventory inventory = read();

    assertThat(inventory.problems()).isEmpty();
    ParentDevice p = parent(inventory, "0000:00:02.0");
    assertThat(typeOf(p, "i915-GVTg_V5_4").getAttributesMap()).containsOnly(
        entry("low_gm_mib", "128"), entry("high_gm_mib", "512"), entry("fences", "4"),
        entry("resolution", "1920x1200"), entry("weight", "4"));
    assertThat(typeOf(p, "i915-GVTg_V5_4").getRawMap()).containsEntry(
        "description", "low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\nresolution: 1920x1200\nweight: 4\n");
    assertThat(typeOf(p, "i915-GVTg_V5_1").getRawMap()).doesNotContainKey("name");
    Capacity c = p.getCapacity();
    assertThat(c.getRule()).isEqualTo(CapacityRule.CAPACITY_RULE_SHARED_POOL);
    assertThat(c.getUsedInstances()).isEqualTo(1);
    // Smallest pools consistent with 5/4/2/1, plus the V5_4 present (see SharedPoolModel).
    assertThat(c.getPoolFreeMap()).containsOnly(entry("low_gm_mib", 512L), entry("high_gm_mib", 2048L), entry("fences", 20L));
    assertThat(c.getPoolTotalMap()).containsOnly(entry("low_gm_mib", 640L), entry("high_gm_mib", 2560L), entry("fences", 24L));
    assertModelReproducesSysfs(p);
    // One more V5_4 gives what the true pools (aperture 1024 MiB, GGTT 4 GiB, 32 fences) give: 4/3/1/0.
    Capacity next = CapacityModels.afterCreate(c, "i915-GVTg_V5_4");
    assertThat(List.of("i915-GVTg_V5_8", "i915-GVTg_V5_4", "i915-GVTg_V5_2", "i915-GVTg_V5_1"))
        .extracting(t -> CapacityModels.fits(next, t)).containsExactly(4, 3, 1, 0);
  }

  @Test
  void vfioCcwSubchannelIsAnIndependentParent() {
    Path dir = mdevParent(root, "css0/0.0.26ab");
    type(dir, "vfio_ccw-io", 1, "vfio-ccw", "I/O subchannel (Non-QDIO)", null);

    MdevInventory inventory = read();

    assertThat(inventory.problems()).isEmpty();
    ParentDevice p = parent(inventory, "0.0.26ab");
    assertThat(typeOf(p, "vfio_ccw-io").getAttributesMap()).isEmpty();
    assertThat(typeOf(p, "vfio_ccw-io").getRawMap()).containsOnly(
        entry("available_instances", "1\n"), entry("device_api", "vfio-ccw\n"), entry("name", "I/O subchannel (Non-QDIO)\n"));
    assertThat(p.getCapacity().getRule()).isEqualTo(CapacityRule.CAPACITY_RULE_INDEPENDENT);
    assertThat(p.getCapacity().getPoolFreeMap()).containsOnly(entry("vfio_ccw-io", 1L));
    assertModelReproducesSysfs(p);
    assertThat(CapacityModels.fits(CapacityModels.afterCreate(p.getCapacity(), "vfio_ccw-io"), "vfio_ccw-io")).isZero();
  }

  @Test
  void vfioApMatrixIsAnIndependentParentWithItsPassthroughDevice() {
    Path dir = mdevParent(root, "vfio_ap/matrix");
    type(dir, "vfio_ap-passthrough", 65535, "vfio-ap", "VFIO AP Passthrough Device", null);
    mdev(root, "vfio_ap/matrix", "783e6dbb-ea0e-411f-94e2-717eaad438bf", "vfio_ap-passthrough");

    MdevInventory inventory = read();

    assertThat(inventory.problems()).isEmpty();
    ParentDevice p = parent(inventory, "matrix");
    assertThat(p.getCapacity().getRule()).isEqualTo(CapacityRule.CAPACITY_RULE_INDEPENDENT);
    assertThat(p.getCapacity().getPoolTotalMap()).containsOnly(entry("vfio_ap-passthrough", 65536L));
    assertThat(inventory.instances()).extracting(DeviceInstance::getParentAddress, DeviceInstance::getTypeId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("matrix", "vfio_ap-passthrough"));
    assertModelReproducesSysfs(p);
  }

  @Test
  void mttyPortsAreOnePoolOfTwentyFour() {
    String mtty = "virtual/mtty/mtty";
    Path dir = mdevParent(root, mtty);
    // One mtty-2 present: 22 ports left, so 22 and 11 (KERNEL-FACTS.md section 2). No description file.
    type(dir, "mtty-1", 22, "vfio-pci", "Single port serial", null);
    type(dir, "mtty-2", 11, "vfio-pci", "Dual port serial", null);
    mdev(root, mtty, "3627463d-b7f0-4fea-b468-f1da537d301b", "mtty-2");

    MdevInventory inventory = read();

    assertThat(inventory.problems()).isEmpty();
    ParentDevice p = parent(inventory, "mtty");
    assertThat(typeOf(p, "mtty-2").getAttributesMap()).containsOnly(entry("ports", "2"));
    assertThat(typeOf(p, "mtty-2").getRawMap()).doesNotContainKey("description");
    assertThat(p.getCapacity().getRule()).isEqualTo(CapacityRule.CAPACITY_RULE_SHARED_POOL);
    assertThat(p.getCapacity().getPoolTotalMap()).containsOnly(entry("ports", 24L));
    assertThat(p.getCapacity().getPoolFreeMap()).containsOnly(entry("ports", 22L));
    assertModelReproducesSysfs(p);
  }

  @Test
  void mdpyDevicesAreOnePoolOfFour() {
    String mdpy = "virtual/mdpy/mdpy";
    Path dir = mdevParent(root, mdpy);
    type(dir, "mdpy-vga", 3, "vfio-pci", "mdpy-vga", "virtual display, 640x480 framebuffer");
    type(dir, "mdpy-xga", 3, "vfio-pci", "mdpy-xga", "virtual display, 1024x768 framebuffer");
    type(dir, "mdpy-hd", 3, "vfio-pci", "mdpy-hd", "virtual display, 1920x1080 framebuffer");
    mdev(root, mdpy, "11111111-2222-4333-8444-555555555555", "mdpy-xga");

    MdevInventory inventory = read();

    assertThat(inventory.problems()).isEmpty();
    ParentDevice p = parent(inventory, "mdpy");
    assertThat(typeOf(p, "mdpy-hd").getAttributesMap()).containsOnly(entry("resolution", "1920x1080"));
    assertThat(p.getCapacity().getPoolTotalMap()).containsOnly(entry("devices", 4L));
    assertThat(p.getCapacity().getPoolFreeMap()).containsOnly(entry("devices", 3L));
    assertModelReproducesSysfs(p);
  }

  @Test
  void mbochsVideoMemoryIsOnePoolOf256Mib() {
    String mbochs = "virtual/mbochs/mbochs";
    Path dir = mdevParent(root, mbochs);
    // One mbochs-large (64 MB) present: 192 MB left, so 48/12/3 (KERNEL-FACTS.md section 2).
    type(dir, "mbochs-small", 48, "vfio-pci", "mbochs-small", "virtual display, 4 MB video memory");
    type(dir, "mbochs-medium", 12, "vfio-pci", "mbochs-medium", "virtual display, 16 MB video memory");
    type(dir, "mbochs-large", 3, "vfio-pci", "mbochs-large", "virtual display, 64 MB video memory");
    mdev(root, mbochs, "22222222-3333-4444-8555-666666666666", "mbochs-large");

    MdevInventory inventory = read();

    assertThat(inventory.problems()).isEmpty();
    ParentDevice p = parent(inventory, "mbochs");
    assertThat(typeOf(p, "mbochs-medium").getAttributesMap()).containsOnly(entry("memory_mib", "16"));
    assertThat(p.getCapacity().getPoolTotalMap()).containsOnly(entry("memory_mib", 256L));
    assertThat(p.getCapacity().getPoolFreeMap()).containsOnly(entry("memory_mib", 192L));
    assertModelReproducesSysfs(p);
    Capacity next = CapacityModels.afterCreate(p.getCapacity(), "mbochs-medium");
    assertThat(Map.of("s", CapacityModels.fits(next, "mbochs-small"), "l", CapacityModels.fits(next, "mbochs-large")))
        .containsOnly(entry("s", 44), entry("l", 2));
  }
}
