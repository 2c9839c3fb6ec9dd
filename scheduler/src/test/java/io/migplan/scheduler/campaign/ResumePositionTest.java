package io.migplan.scheduler.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.scheduler.error.InvalidRequestException;
import org.junit.jupiter.api.Test;

class ResumePositionTest {

    @Test
    void withNeitherTheStreamStartsAtTheFirstEvent() {
        assertThat(ResumePosition.of(null, null)).isZero();
        assertThat(ResumePosition.of(" ", "")).isZero();
    }

    @Test
    void theHeaderWinsOverTheQueryBecauseAReconnectKeepsTheFirstUrl() {
        assertThat(ResumePosition.of("42", "0")).isEqualTo(42);
        assertThat(ResumePosition.of(null, "7")).isEqualTo(7);
        assertThat(ResumePosition.of(" 9 ", null)).isEqualTo(9);
    }

    @Test
    void aValueThatIsNoPositionIsRefusedNamingWhereItCameFrom() {
        assertThatThrownBy(() -> ResumePosition.of("abc", null)).isInstanceOf(InvalidRequestException.class)
                .hasMessage("Last-Event-ID must be a position the event stream sent (a whole number, 0 or more), got"
                        + " 'abc'");
        assertThatThrownBy(() -> ResumePosition.of(null, "-1")).isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("after must be a position").hasMessageEndingWith("got '-1'");
        assertThatThrownBy(() -> ResumePosition.of(null, "1.5")).hasMessageEndingWith("got '1.5'");
        assertThatThrownBy(() -> ResumePosition.of(null, "9".repeat(60))).hasMessageEndingWith("9…'");
    }
}
