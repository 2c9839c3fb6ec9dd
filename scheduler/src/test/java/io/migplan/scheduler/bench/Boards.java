package io.migplan.scheduler.bench;

import io.migplan.proto.v1.CapacityRule;
import java.util.List;

/**
 * GPU boards of the generated fleets, with their vGPU Q-series sizes and max_instance.
 * T4 type ids and numbers are NVIDIA's (FACTS.md 4a: nvidia-231 "GRID T4-2Q" 2048M max 8,
 * nvidia-234 max 1; the 230..234 Q series); V100D-32GB and A40 sizes and max_instance follow
 * NVIDIA's vGPU user guide tables (max_instance = board memory / profile size, A40 capped at 32
 * VFs), with descriptive ids because their numeric mdev ids differ between driver releases.
 */
public final class Boards {

    /** @param weight how often the generator picks this size for a GPU */
    public record VgpuType(String typeId, long framebufferMib, int maxInstances, double weight) {
    }

    /**
     * @param gpusPerHost physical GPUs on a host of this board
     * @param vfsPerGpu   SR-IOV VFs per GPU (0: the GPU itself is the mdev parent)
     */
    public record Board(String name, long memoryMib, CapacityRule rule, int gpusPerHost, int vfsPerGpu,
            List<VgpuType> types, double weight) {
    }

    /** 1 and 2 GiB profiles are rare in the fleet: most vGPU desktops and compute VMs take 4 GiB or more. */
    public static final Board T4 = new Board("T4", 16_384, CapacityRule.CAPACITY_RULE_NVIDIA_EQUAL_SIZE, 4, 0, List.of(
            new VgpuType("nvidia-230", 1024, 16, 0.03),
            new VgpuType("nvidia-231", 2048, 8, 0.07),
            new VgpuType("nvidia-232", 4096, 4, 0.30),
            new VgpuType("nvidia-233", 8192, 2, 0.35),
            new VgpuType("nvidia-234", 16_384, 1, 0.25)), 0.4);

    public static final Board V100 = new Board("V100D", 32_768, CapacityRule.CAPACITY_RULE_NVIDIA_EQUAL_SIZE, 4, 0,
            List.of(
                    new VgpuType("nvidia-v100d-2q", 2048, 16, 0.05),
                    new VgpuType("nvidia-v100d-4q", 4096, 8, 0.10),
                    new VgpuType("nvidia-v100d-8q", 8192, 4, 0.30),
                    new VgpuType("nvidia-v100d-16q", 16_384, 2, 0.35),
                    new VgpuType("nvidia-v100d-32q", 32_768, 1, 0.20)), 0.3);

    public static final Board A40 = new Board("A40", 49_152, CapacityRule.CAPACITY_RULE_ONE_PER_VF, 2, 32, List.of(
            new VgpuType("nvidia-a40-4q", 4096, 12, 0.10),
            new VgpuType("nvidia-a40-8q", 8192, 6, 0.25),
            new VgpuType("nvidia-a40-12q", 12_288, 4, 0.25),
            new VgpuType("nvidia-a40-16q", 16_384, 3, 0.20),
            new VgpuType("nvidia-a40-24q", 24_576, 2, 0.20)), 0.3);

    public static final List<Board> ALL = List.of(T4, V100, A40);

    private Boards() {
    }
}
