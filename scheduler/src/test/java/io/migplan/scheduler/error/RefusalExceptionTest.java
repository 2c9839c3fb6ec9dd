package io.migplan.scheduler.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RefusalExceptionTest {

    @Test
    void aBusyRefusalIs429AndResourceExhaustedAndCarriesWhenToRetry() {
        RefusalException busy = new RefusalException(ErrorKind.BUSY, "PLANNING_BUSY", "full",
                Duration.ofSeconds(5));

        assertThat(busy.kind().httpStatus()).isEqualTo(429);
        assertThat(busy.kind().grpcStatus()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(busy.retryAfter()).contains(Duration.ofSeconds(5));
    }

    @Test
    void onlyAKindThatSaysWhenToRetryTakesADelayAndItMustGiveOne() {
        assertThatThrownBy(() -> new RefusalException(ErrorKind.BUSY, "PLANNING_BUSY", "full"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a BUSY refusal needs a retry delay, got null");
        assertThatThrownBy(() -> new RefusalException(ErrorKind.CONFLICT, "PLAN_FINISHED", "done",
                        Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a CONFLICT refusal takes no retry delay, got PT1S");
        assertThat(new RefusalException(ErrorKind.CONFLICT, "PLAN_FINISHED", "done").retryAfter()).isEmpty();
    }
}
