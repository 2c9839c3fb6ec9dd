package io.migplan.cli.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void columnsAreAsWideAsTheirWidestCellAndNumbersAlignRight() {
        String t = new Table("HOST", "VMS>", "NOTE").row("host-1", 3, "a").row("h2", 12, null).render();
        assertThat(t).isEqualTo("""
                HOST    VMS  NOTE
                host-1    3  a
                h2       12  -
                """);
    }

    @Test
    void aRowOfTheWrongWidthIsRefused() {
        assertThatThrownBy(() -> new Table("A", "B").row("x")).hasMessageContaining("1 cells for 2 columns");
    }

    @Test
    void sizesAndDurationsReadAsPeopleWriteThem() {
        assertThat(Units.mib(512)).isEqualTo("512 MiB");
        assertThat(Units.mib(16384)).isEqualTo("16 GiB");
        assertThat(Units.mib(1536)).isEqualTo("1.5 GiB");
        assertThat(Units.duration(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(Units.duration(Duration.ofSeconds(185))).isEqualTo("3m05s");
        assertThat(Units.duration(Duration.ofMinutes(127))).isEqualTo("2h07m");
    }
}
