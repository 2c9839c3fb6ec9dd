package io.migplan.agent.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MemoryUnitsTest {
  @Test
  void libvirtUnitsConvertToMibRoundingUp() {
    assertThat(MemoryUnits.toMib("4194304", null)).isEqualTo(4096);
    assertThat(MemoryUnits.toMib("4194304", "")).isEqualTo(4096);
    assertThat(MemoryUnits.toMib("4194304", "KiB")).isEqualTo(4096);
    assertThat(MemoryUnits.toMib("4194304", "k")).isEqualTo(4096);
    assertThat(MemoryUnits.toMib("1025", "KiB")).isEqualTo(2);
    assertThat(MemoryUnits.toMib("2048", "MiB")).isEqualTo(2048);
    assertThat(MemoryUnits.toMib("2048", "M")).isEqualTo(2048);
    assertThat(MemoryUnits.toMib("16", "GiB")).isEqualTo(16384);
    assertThat(MemoryUnits.toMib("1", "TiB")).isEqualTo(1024 * 1024);
    assertThat(MemoryUnits.toMib("1048576", "b")).isEqualTo(1);
    assertThat(MemoryUnits.toMib("1048577", "bytes")).isEqualTo(2);
    // Decimal units: 1 GB = 10^9 bytes = 953.67 MiB.
    assertThat(MemoryUnits.toMib("1", "GB")).isEqualTo(954);
    assertThat(MemoryUnits.toMib("1000", "KB")).isEqualTo(1);
    assertThat(MemoryUnits.toMib("0", "KiB")).isZero();
  }

  @Test
  void unknownUnitsAndNonNumbersAreRejectedWithTheValue() {
    assertThatThrownBy(() -> MemoryUnits.toMib("1", "parsecs")).hasMessageContaining("parsecs");
    assertThatThrownBy(() -> MemoryUnits.toMib("lots", "KiB")).hasMessageContaining("lots");
  }
}
