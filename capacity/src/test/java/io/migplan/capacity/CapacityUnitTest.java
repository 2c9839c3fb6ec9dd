package io.migplan.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.TypeDemand;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table tests of every rule through the one form all callers count with: how many more of each
 * type fit, how many of a set of new instances overflow, and what a create or a remove leaves.
 * Numbers are FACTS.md section 3's (T4 types, the GVT-g worked example, the sample drivers) or
 * the vendor's published limits.
 */
class CapacityUnitTest {

  /** A unit, the types asked about, their expected headroom, and one batch with its expected overflow. */
  record Case(String name, CapacityUnit unit, Map<String, Integer> headroom, Map<String, Integer> batch,
      int overflow) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final String Q1 = "nvidia-230"; // T4-1Q, 1024 MiB, max 16
  private static final String Q2 = "nvidia-231"; // T4-2Q, 2048 MiB, max 8
  private static final String B2 = "nvidia-223"; // T4-2B, 2048 MiB, max 8
  private static final String Q4 = "nvidia-232"; // T4-4Q, 4096 MiB, max 4
  private static final String Q8 = "nvidia-233"; // T4-8Q, 8192 MiB, max 2
  private static final String Q16 = "nvidia-234"; // T4-16Q, 16384 MiB, max 1

  static Stream<Case> cases() {
    return Stream.of(
        new Case("an empty T4 takes any size, up to each type's max_instance",
            unit(NvidiaEqualSizeModel.of(Boards.t4Demands(), List.of())),
            Map.of(Q1, 16, Q2, 8, Q4, 4, Q16, 1), Map.of(Q2, 8), 0),
        new Case("a T4 with two 2Q takes only 2 GiB types, max_instance - 2 of them",
            unit(NvidiaEqualSizeModel.of(Boards.t4Demands(), List.of(Q2, Q2))),
            Map.of(Q2, 6, B2, 6, Q1, 0, Q4, 0), Map.of(Q2, 4, B2, 3), 1),
        new Case("on an empty T4 the size most new instances ask for is kept and the rest overflow",
            unit(NvidiaEqualSizeModel.of(Boards.t4Demands(), List.of())),
            Map.of(Q4, 4), Map.of(Q2, 3, Q4, 1), 1),
        new Case("on an empty T4 a tie keeps the larger size",
            unit(NvidiaEqualSizeModel.of(Boards.t4Demands(), List.of())),
            Map.of(Q8, 2), Map.of(Q2, 1, Q8, 1), 1),
        new Case("a mixed-size T4 holding an 8Q takes any size into the 8 GiB left",
            unit(NvidiaMixedSizeModel.of(Boards.t4Demands(), List.of(Q8))),
            Map.of(Q4, 2, Q1, 8, Q8, 1, Q16, 0), Map.of(Q4, 1, Q2, 3), 1),
        new Case("a mixed-size GPU stops a type at its own max_instance though framebuffer remains",
            unit(NvidiaMixedSizeModel.of(loweredMixedSizeBoard(), List.of("small", "small", "small", "small"))),
            Map.of("small", 0, "large", 3), Map.of("small", 1, "large", 3), 1),
        new Case("a mixed-size GPU counts new instances against each type's max_instance",
            unit(NvidiaMixedSizeModel.of(loweredMixedSizeBoard(), List.of())),
            Map.of("small", 4, "large", 4), Map.of("small", 5), 1),
        new Case("the VFs of an A40-like function take one vGPU each, up to the board-wide max_instance",
            CapacityUnit.ofFunction("pf", vfs(6, 4, 8192, Map.of("a40-8q", NvidiaEqualSizeModel.demand(8192, 6),
                "a40-4q", NvidiaEqualSizeModel.demand(4096, 12)))),
            Map.of("a40-8q", 2, "a40-4q", 0), Map.of("a40-8q", 3), 1),
        new Case("a vGPU 17+ type without max_instance is bounded by free VFs alone",
            CapacityUnit.ofFunction("pf", vfs(4, 1, 0, Map.of("l40-1q", TypeDemand.newBuilder()
                .putResources(Resources.FRAMEBUFFER_MIB, 1024).build()))),
            Map.of("l40-1q", 3), Map.of("l40-1q", 4), 1),
        new Case("MIG-backed types of different sizes share a function's VFs without a lock",
            CapacityUnit.ofFunction("pf", vfs(3, 0, 0, Map.of(
                "a100-1g", TypeDemand.newBuilder().putResources(Resources.FRAMEBUFFER_MIB, 5120)
                    .putResources(Resources.GPU_INSTANCE_SLICES, 1).setMaxInstances(7).build(),
                "a100-2g", TypeDemand.newBuilder().putResources(Resources.FRAMEBUFFER_MIB, 10240)
                    .putResources(Resources.GPU_INSTANCE_SLICES, 2).setMaxInstances(3).build()))),
            Map.of("a100-1g", 3, "a100-2g", 3), Map.of("a100-1g", 2, "a100-2g", 1), 0),
        new Case("a GVT-g iGPU at boot (aperture 1 GiB, GGTT 4 GiB, 32 fences) reads 7/5/2/1",
            unit(GvtgPoolModel.fromHardware(1024, 4096, 32, GvtgPoolModelTest.demands())),
            Map.of("i915-GVTg_V5_8", 7, "i915-GVTg_V5_4", 5, "i915-GVTg_V5_2", 2, "i915-GVTg_V5_1", 1),
            Map.of("i915-GVTg_V5_4", 2, "i915-GVTg_V5_2", 2), 1),
        new Case("mtty's 24 ports are shared by mtty-1 and mtty-2",
            unit(SamplePoolModels.fresh(Resources.PORTS, SamplePoolModels.DEFAULT_MTTY_PORTS, Map.of(
                "mtty-1", TypeDemand.newBuilder().putResources(Resources.PORTS, 1).build(),
                "mtty-2", TypeDemand.newBuilder().putResources(Resources.PORTS, 2).build()))),
            Map.of("mtty-1", 24, "mtty-2", 12), Map.of("mtty-2", 10, "mtty-1", 5), 1),
        new Case("mbochs' 256 MiB are divided by 4, 16 and 64 MiB types",
            unit(SamplePoolModels.fresh(Resources.MEMORY_MIB, SamplePoolModels.DEFAULT_MBOCHS_MIB, Map.of(
                "mbochs-small", TypeDemand.newBuilder().putResources(Resources.MEMORY_MIB, 4).build(),
                "mbochs-medium", TypeDemand.newBuilder().putResources(Resources.MEMORY_MIB, 16).build(),
                "mbochs-large", TypeDemand.newBuilder().putResources(Resources.MEMORY_MIB, 64).build()))),
            Map.of("mbochs-small", 64, "mbochs-medium", 16, "mbochs-large", 4),
            Map.of("mbochs-large", 3, "mbochs-medium", 5), 1),
        new Case("a vfio-ccw subchannel counts on its own",
            unit(SharedPoolModel.independent(Map.of("vfio_ccw-io", 1), List.of())),
            Map.of("vfio_ccw-io", 1), Map.of("vfio_ccw-io", 2), 1),
        new Case("a parent reported without a model counts each type at what sysfs says is free",
            CapacityUnit.of("0000:00:01.0", Capacity.getDefaultInstance(), Map.of("vendor-a", 3, "vendor-b", 0)),
            Map.of("vendor-a", 3, "vendor-b", 0), Map.of("vendor-a", 2, "vendor-b", 1), 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void headroomByType(Case c) {
    c.headroom().forEach((type, expected) ->
        assertThat(c.unit().headroom(type)).as("headroom of %s", type).isEqualTo(expected));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void overflowOfABatch(Case c) {
    assertThat(c.unit().overflow(added(c.unit(), c.batch()))).isEqualTo(c.overflow());
  }

  /** One rule, two questions: n more of a type overflow by exactly what exceeds its headroom. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void overflowOfOneTypeAgreesWithItsHeadroom(Case c) {
    CapacityUnit u = c.unit();
    for (int t = 0; t < u.typeCount(); t++) {
      int room = Math.min(u.headroom(t), 64);
      for (int n = 0; n <= room + 2; n++) {
        int[] added = new int[u.typeCount()];
        added[t] = n;
        assertThat(u.overflow(added)).as("%d of %s", n, u.typeId(t)).isEqualTo(Math.max(0, n - u.headroom(t)));
      }
    }
  }

  /** What the solver counts (the types asked for, in their order) answers as the whole unit does. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aRestrictedUnitAnswersAsTheWholeOne(Case c) {
    List<String> asked = new ArrayList<>(c.batch().keySet());
    CapacityUnit narrow = c.unit().restrict(asked);
    int[] added = new int[asked.size()];
    for (int k = 0; k < asked.size(); k++) {
      added[k] = c.batch().get(asked.get(k));
      assertThat(narrow.headroom(k)).isEqualTo(c.unit().headroom(asked.get(k)));
    }
    assertThat(narrow.overflow(added)).isEqualTo(c.overflow());
  }

  /**
   * Creating the batch one by one in type order never places more than the overflow allows (it
   * may place fewer: on an empty GPU the first type created sets the lock), and leaves the unit
   * it was copied from untouched.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void creatingTheBatchOneByOneNeverBeatsTheOverflow(Case c) {
    Map<String, Integer> before = headrooms(c.unit());
    CapacityUnit u = c.unit().copy();
    int placed = 0;
    int asked = 0;
    for (Map.Entry<String, Integer> e : new TreeMap<>(c.batch()).entrySet()) {
      int t = u.typeIndex(e.getKey());
      for (int k = 0; k < e.getValue(); k++, asked++) {
        if (u.headroom(t) > 0) {
          u.create(t);
          placed++;
        }
      }
    }
    assertThat(asked - placed).as("left over by creating in type order").isGreaterThanOrEqualTo(c.overflow());
    assertThat(headrooms(c.unit())).as("the original is untouched").isEqualTo(before);
  }

  /** Removing what was created gives every type its headroom back, and an empty GPU its freedom. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aCreateThenARemoveLeavesTheUnitAsItWas(Case c) {
    CapacityUnit u = c.unit().copy();
    for (int t = 0; t < u.typeCount(); t++) {
      if (u.headroom(t) == 0) {
        continue;
      }
      u.create(t);
      u.remove(t);
      for (int s = 0; s < u.typeCount(); s++) {
        assertThat(u.headroom(s)).as("%s after a %s came and went", u.typeId(s), u.typeId(t))
            .isEqualTo(c.unit().headroom(s));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aTypeTheModelDoesNotKnowNeverFits(Case c) {
    assertThat(c.unit().typeIndex("nvidia-9999")).isEqualTo(-1);
    assertThat(c.unit().headroom("nvidia-9999")).isZero();
  }

  @Test
  void aFullUnitRefusesACreateAndAnEmptyOneARemove() {
    CapacityUnit t4 = unit(NvidiaEqualSizeModel.of(Boards.t4Demands(), List.of(Q16)));
    int q16 = t4.typeIndex(Q16);
    assertThatThrownBy(() -> t4.create(q16)).hasMessageContaining("no free instance of nvidia-234");
    t4.remove(q16);
    assertThat(t4.lockedFramebufferMib()).as("the last vGPU gone, the GPU takes any size").isZero();
    assertThat(t4.headroom(Q1)).isEqualTo(16);
    assertThatThrownBy(() -> t4.remove(q16)).hasMessageContaining("no instance of nvidia-234 to remove");
  }

  @Test
  void theAgentsMessageKeepsTheNumbersTheUnitCountedInto() {
    Capacity c = NvidiaMixedSizeModel.of(loweredMixedSizeBoard(), List.of("small"));
    Capacity next = CapacityModels.afterCreate(c, "large");
    assertThat(next.getUsedByTypeMap()).containsEntry("small", 1).containsEntry("large", 1);
    assertThat(next.getPoolFreeMap()).containsEntry(Resources.FRAMEBUFFER_MIB, 16384L - 1024 - 4096);
    assertThat(next.getUsedInstances()).isEqualTo(2);
    assertThat(next.getDemandMap()).isEqualTo(c.getDemandMap());
  }

  private static CapacityUnit unit(Capacity c) {
    return CapacityUnit.of("gpu", c, Map.of());
  }

  private static Map<String, Integer> headrooms(CapacityUnit u) {
    Map<String, Integer> out = new TreeMap<>();
    for (int t = 0; t < u.typeCount(); t++) {
      out.put(u.typeId(t), u.headroom(t));
    }
    return out;
  }

  private static int[] added(CapacityUnit u, Map<String, Integer> batch) {
    int[] added = new int[u.typeCount()];
    batch.forEach((type, n) -> added[u.typeIndex(type)] += n);
    return added;
  }

  /**
   * A 16 GiB board whose 1 GiB type is limited to 4 in mixed-size mode (the mode lowers some
   * maximum counts, FACTS.md section 3a), beside a 4 GiB type at 16 GiB / 4 GiB.
   */
  static Map<String, TypeDemand> loweredMixedSizeBoard() {
    return Map.of("small", NvidiaEqualSizeModel.demand(1024, 4), "large", NvidiaEqualSizeModel.demand(4096, 4));
  }

  /** {@code count} VFs of one function, the first {@code used} of them holding a vGPU. */
  private static List<Capacity> vfs(int count, int used, long lock, Map<String, TypeDemand> demands) {
    List<Capacity> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(OnePerVfModel.of("pf", demands, i < used ? 1 : 0, lock));
    }
    return out;
  }
}
