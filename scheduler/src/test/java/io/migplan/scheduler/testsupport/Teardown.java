package io.migplan.scheduler.testsupport;

/**
 * Runs a test's clean-up steps in order, every one of them even when an earlier one fails (a
 * fleet that would not close must not leave its scheduler process or database running), then
 * throws the first failure with the later ones suppressed.
 */
public final class Teardown {

    /** One clean-up step; null steps (what was never started) are skipped. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    private Teardown() {
    }

    public static void inOrder(Step... steps) throws Exception {
        Exception first = null;
        for (Step step : steps) {
            if (step == null) {
                continue;
            }
            try {
                step.run();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
