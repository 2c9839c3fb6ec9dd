package io.migplan.agent.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SignaturesTest {
  @Test
  void derivedSignatureNamesTypeBoardDriverAndVersionWithUnknownPlaceholders() {
    assertThat(Signatures.derived("nvidia-231", "T4", "nvidia", "550.90.07")).isEqualTo("nvidia-231/T4/nvidia-550.90.07");
    assertThat(Signatures.derived("mtty-2", "", "mtty", "")).isEqualTo("mtty-2/unknown-board/mtty-unknown");
    assertThat(Signatures.derived("mtty-2", null, null, null)).isEqualTo("mtty-2/unknown-board/unknown-driver-unknown");
  }

  @Test
  void aBlankVersionAttributeDoesNotCountAsASignature() {
    assertThat(Signatures.fromAttribute(Optional.of("  "))).isEmpty();
    assertThat(Signatures.fromAttribute(Optional.of("v1"))).contains("v1");
  }
}
