package io.migplan.agent.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BoardNamesTest {
  @Test
  void boardsComeFromNvidiaTypeNamesOnly() {
    assertThat(BoardNames.fromTypeName("GRID T4-2Q")).contains("T4");
    assertThat(BoardNames.fromTypeName("NVIDIA A40-8Q")).contains("A40");
    assertThat(BoardNames.fromTypeName("NVIDIA H200X-1-18C")).contains("H200X");
    assertThat(BoardNames.fromTypeName("GRID M10-0Q")).contains("M10");
    assertThat(BoardNames.fromTypeName("GVTg_V5_4")).isEmpty();
    assertThat(BoardNames.fromTypeName("Single port serial")).isEmpty();
    assertThat(BoardNames.fromTypeName("")).isEmpty();
  }

  @Test
  void theBoardMostNamesAgreeOnWinsAndNoNameMeansEmpty() {
    assertThat(BoardNames.fromTypeNames(List.of("GRID T4-1B", "GRID T4-2Q", "odd"))).isEqualTo("T4");
    assertThat(BoardNames.fromTypeNames(List.of("name1", ""))).isEmpty();
  }
}
