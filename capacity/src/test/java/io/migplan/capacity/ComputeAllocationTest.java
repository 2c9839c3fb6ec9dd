package io.migplan.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ComputeAllocationTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "one to one gives the host's CPUs                       | 64  | 1.0  | 0  | 64",
      "a ratio of 1.5 on 64 CPUs gives 96                     | 64  | 1.5  | 0  | 96",
      "reservations come off before the ratio                 | 64  | 1.5  | 4  | 90",
      "the product is floored                                 | 3   | 1.5  | 0  | 4",
      "ratios count as written, not as binary fractions       | 100 | 1.15 | 0  | 115",
      "a reservation of every CPU leaves nothing              | 8   | 4.0  | 8  | 0",
      "a reservation past the CPUs leaves nothing, not less   | 8   | 4.0  | 12 | 0",
  })
  void allocatableCpusFollowNovasRule(String sentence, int cpus, double ratio, int reserved, int expected) {
    assertThat(new ComputeAllocation(ratio, 1.0, reserved, 0).allocatableCpus(cpus)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "memory at 1.0 is the host's memory                     | 262144 | 1.0 | 0    | 262144",
      "memory at 1.5 with 16 GiB reserved                     | 262144 | 1.5 | 16384 | 368640",
  })
  void allocatableMemoryFollowsTheSameRule(String sentence, long memory, double ratio, long reserved, long expected) {
    assertThat(new ComputeAllocation(1.0, ratio, 0, reserved).allocatableMemoryMib(memory)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void sentencesShowTheNumbersOnlyWhenARatioOrReservationApplies() {
    assertThat(ComputeAllocation.NONE.describeCpus(64)).isEqualTo("64");
    assertThat(ComputeAllocation.NONE.describeMemory(1024)).isEqualTo("1024 MiB");
    ComputeAllocation a = new ComputeAllocation(1.5, 2, 2, 1024);
    assertThat(a.describeCpus(64)).isEqualTo("93 allocatable (64 CPUs x 1.5, 2 reserved)");
    assertThat(a.describeMemory(4096)).isEqualTo("6144 MiB allocatable (4096 MiB x 2.0, 1024 MiB reserved)");
  }

  @ParameterizedTest(name = "a CPU ratio of {0} is refused")
  @CsvSource({"0", "0.05", "64.5", "NaN", "-1"})
  void ratiosOutOfBoundsAreRefused(double ratio) {
    assertThatThrownBy(() -> new ComputeAllocation(ratio, 1.0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not between 0.1 and 64.0");
  }
}
