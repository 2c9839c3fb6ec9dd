package io.migplan.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.capacity.Boards.Type;
import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.TypeDemand;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class NvidiaEqualSizeModelTest {
  static Map<String, TypeDemand> t4Demands() {
    return Boards.t4Demands();
  }

  @Test
  void anEmptyT4FitsEveryTypeUpToItsMaxInstance() {
    Capacity empty = NvidiaEqualSizeModel.of(t4Demands(), List.of());
    for (Type t : Boards.T4) {
      assertThat(CapacityModels.fits(empty, t.id())).as(t.id()).isEqualTo(t.max());
    }
  }

  @Test
  void afterOneT4_2QTheOther2GibTypesReadMaxMinusOneAndEveryOtherSizeZero() {
    Capacity after = CapacityModels.afterCreate(NvidiaEqualSizeModel.of(t4Demands(), List.of()), "nvidia-231");

    assertThat(after.getLockedFramebufferMib()).isEqualTo(2048);
    assertThat(after.getUsedInstances()).isEqualTo(1);
    for (Type t : Boards.T4) {
      assertThat(CapacityModels.fits(after, t.id())).as(t.id()).isEqualTo(t.fbMib() == 2048 ? t.max() - 1 : 0);
    }
  }

  @Test
  void theDerivedSequenceRunsDownTo0AndThenRefuses() {
    Capacity c = NvidiaEqualSizeModel.of(t4Demands(), List.of());
    for (int left = 8; left > 0; left--) {
      assertThat(CapacityModels.fits(c, "nvidia-231")).isEqualTo(left);
      c = CapacityModels.afterCreate(c, "nvidia-231");
    }
    Capacity full = c;
    assertThat(CapacityModels.fits(full, "nvidia-231")).isZero();
    assertThatThrownBy(() -> CapacityModels.afterCreate(full, "nvidia-231"))
        .hasMessageContaining("no free instance of nvidia-231");
  }

  @Test
  void anUnknownTypeNeverFits() {
    assertThat(CapacityModels.fits(NvidiaEqualSizeModel.of(t4Demands(), List.of()), "nvidia-999")).isZero();
  }
}
