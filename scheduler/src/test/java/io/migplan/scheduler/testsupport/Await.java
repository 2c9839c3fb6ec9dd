package io.migplan.scheduler.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting in tests for what reports make true a moment later, with a sentence when it never does. */
public final class Await {

    private Await() {
    }

    /** Polls every 100 ms for up to 60 s. */
    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
