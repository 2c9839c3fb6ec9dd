package io.migplan.cli.executor.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.migplan.cli.executor.ExecutionFailure;
import io.migplan.cli.executor.ExecutorFactory;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class SimulatorExecutorTest {

    @Test
    void aRefusalNamesWhatWasAskedAndWhatTheSimulatorSaid() {
        assertThat(SimulatorExecutor.sentence("migrating VM v1 from h1 to h2", "127.0.0.1:9390",
                Status.FAILED_PRECONDITION.withDescription("no free instance of nvidia-231 on 0000:3b:00.0")))
                .isEqualTo("the simulator refused migrating VM v1 from h1 to h2: no free instance of nvidia-231 on"
                        + " 0000:3b:00.0");
    }

    @Test
    void anOutageAndATimeoutSaySo() {
        assertThat(SimulatorExecutor.sentence("upgrading host h1 to 2025.2", "127.0.0.1:9390",
                Status.UNAVAILABLE.withDescription("io exception")))
                .isEqualTo("upgrading host h1 to 2025.2 failed: the simulator at 127.0.0.1:9390 is unreachable (io exception)");
        assertThat(SimulatorExecutor.sentence("migrating VM v1 from h1 to h2", "127.0.0.1:9390", Status.DEADLINE_EXCEEDED))
                .contains("did not finish in time");
    }

    @Test
    void theAddressIsHostAndPort() {
        assertThat(SimulatorExecutor.target(" 127.0.0.1:9390 ")).isEqualTo("127.0.0.1:9390");
        assertThat(SimulatorExecutor.target("[::1]:9390")).isEqualTo("[::1]:9390");
        assertThatThrownBy(() -> SimulatorExecutor.target("9390")).hasMessageContaining("--simulator must be HOST:PORT");
        assertThatThrownBy(() -> SimulatorExecutor.target("h:70000")).hasMessageContaining("1..65535");
    }

    @Test
    void aSimulatorThatIsNotThereIsNamedAtOnce() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String address = "127.0.0.1:" + port;
        assertThatThrownBy(() -> ExecutorFactory.create("simulator", ExecutorFactory.Options.simulatorAt(address)))
                .isInstanceOf(ExecutionFailure.class).hasMessageContaining("cannot reach the simulator at " + address);
    }

    @Test
    void anUnknownExecutorIsNamedWithTheKnownOnes() {
        assertThatThrownBy(() -> ExecutorFactory.create("ssh", ExecutorFactory.Options.simulatorAt(null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown executor 'ssh': one of simulator, libvirt, command");
    }

    @Test
    void theSimulatorExecutorNeedsItsAddress() {
        assertThatThrownBy(() -> ExecutorFactory.create("simulator", ExecutorFactory.Options.simulatorAt(" ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs --simulator HOST:PORT");
    }
}
