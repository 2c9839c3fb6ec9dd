package io.migplan.agent.probe;

import io.migplan.agent.inventory.Signatures;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.proto.v1.SignatureSource;

/** Small in-memory inventories for backends that read only the snapshot. */
final class Inventories {
  static final String T4 = "0000:3b:00.0";
  static final String A10 = "0000:5e:00.0";
  static final String IGPU = "0000:00:02.0";
  static final String NO_VERSION = "0000:af:00.0";
  static final String AMD = "0000:c1:00.0";

  private Inventories() {}

  static ParentDevice parent(String address, String driver, String board, String version, String... types) {
    ParentDevice.Builder p = ParentDevice.newBuilder().setAddress(address).setDriver(driver).setBoard(board)
        .setDriverVersion(version);
    for (String t : types) {
      p.addTypes(DeviceType.newBuilder().setTypeId(t).setAvailableInstances(1).setDeviceApi("vfio-pci")
          .setSignature(Signatures.derived(t, board, driver, version))
          .setSignatureSource(SignatureSource.SIGNATURE_SOURCE_DERIVED));
    }
    return p.build();
  }

  /** One host with every vendor the default rules speak of, plus two they do not cover. */
  static HostSnapshot mixedHost() {
    return HostSnapshot.newBuilder()
        .addParents(parent(IGPU, "i915", "", "", "i915-GVTg_V5_4", "i915-GVTg_V5_8"))
        .addParents(parent(T4, "nvidia", "T4", "550.90.07", "nvidia-231", "nvidia-232"))
        .addParents(parent(A10, "nvidia", "A10", "550.90.07", "nvidia-558"))
        .addParents(parent(NO_VERSION, "nvidia", "T4", "", "nvidia-233"))
        .addParents(parent(AMD, "amdgpu", "", "1.0", "amdgpu-1"))
        .addParents(parent("0.0.26ab", "vfio_ccw", "", "", "vfio_ccw-io"))
        .addParents(parent("matrix", "vfio_ap", "", "", "vfio_ap-passthrough"))
        .addParents(parent("mbochs", "", "", "", "mbochs-1"))
        .addParents(parent("mdpy", "", "", "", "mdpy-vga"))
        .addParents(parent("mtty", "", "", "", "mtty-1", "mtty-2"))
        .build();
  }

  /** A host whose T4 runs another driver than the source's. */
  static HostSnapshot nvidiaHost(String driverVersion) {
    return HostSnapshot.newBuilder()
        .addParents(parent(T4, "nvidia", "T4", driverVersion, "nvidia-231", "nvidia-232"))
        .build();
  }

  /** A question with the scheduler's source facts filled in. */
  static ProbeQuestion ask(String targetType, String sourceType, String board, String version) {
    return ProbeQuestion.newBuilder().setId("q").setTargetTypeId(targetType).setSourceTypeId(sourceType)
        .setSourceBoard(board).setSourceDriver("nvidia").setSourceDriverVersion(version)
        .setSourceSignature(Signatures.derived(sourceType, board, "nvidia", version)).build();
  }

  /** A question that only carries a signature. */
  static ProbeQuestion bySignature(String targetType, String signature) {
    return ProbeQuestion.newBuilder().setId("q").setTargetTypeId(targetType).setSourceSignature(signature).build();
  }
}
