package io.migplan.scheduler.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.scheduler.inventory.HostState;
import org.junit.jupiter.api.Test;

class FiltersTest {

    @Test
    void anEnumIsTakenInAnyCaseAndAnythingElseIsRefusedWithTheValuesItTakes() {
        assertThat(Filters.oneOf("state", " down ", HostState.class)).isEqualTo(HostState.DOWN);
        assertThat(Filters.oneOf("state", null, HostState.class)).isNull();
        assertThatThrownBy(() -> Filters.oneOf("state", "gone", HostState.class))
                .hasMessage("state is not one of [UP, STALE, DOWN], got 'gone'");
    }

    @Test
    void aCountIsAWholeNumberOfAtLeastZero() {
        assertThat(Filters.count("batch", "3")).isEqualTo(3);
        assertThat(Filters.count("batch", null)).isNull();
        assertThatThrownBy(() -> Filters.count("batch", "-1")).hasMessage("batch must be a whole number, 0 or more,"
                + " got '-1'");
        assertThatThrownBy(() -> Filters.count("batch", "two")).hasMessageStartingWith("batch must be");
    }

    @Test
    void anEmptyTextIsRefused() {
        assertThat(Filters.text("host", " h1 ")).isEqualTo("h1");
        assertThatThrownBy(() -> Filters.text("host", "  ")).hasMessageStartingWith("host is empty");
    }
}
