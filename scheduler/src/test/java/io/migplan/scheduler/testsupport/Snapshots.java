package io.migplan.scheduler.testsupport;

import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.Host;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.ReportInventoryRequest;
import io.migplan.proto.v1.SignatureSource;
import io.migplan.proto.v1.Vm;
import java.util.List;

/** Small builders for the reports tests send, with T4-like defaults from fixtures/FACTS.md. */
public final class Snapshots {

    private Snapshots() {
    }

    /** A host offering 32 CPUs and 128 GiB to VMs, answering probes at {@code endpoint}. */
    public static HostSnapshot.Builder host(String id, long generation, String endpoint) {
        return HostSnapshot.newBuilder().setGeneration(generation).setScannedAtUnixMs(1_700_000_000_000L)
                .setHost(Host.newBuilder().setId(id).setRelease("2025.1").setCpus(32).setMemoryMib(131072)
                        .setFailureDomain("rack-a").putLabels("pool", "gpu-a").setAgentEndpoint(endpoint));
    }

    /** A Tesla T4 parent with the given types. */
    public static ParentDevice parent(String address, DeviceType... types) {
        return ParentDevice.newBuilder().setAddress(address).setVendorId("0x10de").setDeviceId("0x1eb8")
                .setBoard("T4").setDriver("nvidia").setDriverVersion("550.90.07").addAllTypes(List.of(types)).build();
    }

    /** {@code nvidia-231} ("GRID T4-2Q" in FACTS.md) and friends, with a derived signature. */
    public static DeviceType type(String typeId, int available, String signature) {
        return DeviceType.newBuilder().setTypeId(typeId).setName("GRID T4-2Q").setDeviceApi("vfio-pci")
                .setDescription("num_heads=4, frl_config=60, framebuffer=2048M, max_resolution=7680x4320, max_instance=8")
                .setAvailableInstances(available).setSignature(signature)
                .setSignatureSource(SignatureSource.SIGNATURE_SOURCE_DERIVED).build();
    }

    public static DeviceInstance instance(String uuid, String typeId, String parent) {
        return DeviceInstance.newBuilder().setUuid(uuid).setTypeId(typeId).setParentAddress(parent).build();
    }

    public static Vm vm(String name, String uuid, int vcpus, long memoryMib, String... deviceUuids) {
        return Vm.newBuilder().setName(name).setUuid(uuid).setVcpus(vcpus).setMemoryMib(memoryMib)
                .addAllDeviceUuids(List.of(deviceUuids)).build();
    }

    public static ReportInventoryRequest report(HostSnapshot.Builder snapshot) {
        return ReportInventoryRequest.newBuilder().setSnapshot(snapshot).build();
    }
}
