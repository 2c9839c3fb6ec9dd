package io.migplan.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.migplan.agent.grpc.AgentTls;
import io.migplan.agent.report.Reporter;
import io.migplan.identity.PeerIdentity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What many agents in one process share: held resources keep connections and reporting until released. */
class SharedResourcesTest {
  @TempDir Path pkiDir;

  @Test
  void heldResourcesRunWhatWaitsForTheReleaseOnlyAtTheReleaseAndLaterActionsAtOnce() {
    try (SharedResources shared = SharedResources.held(1, id -> Duration.ZERO, Reporter.Listener.NONE)) {
      List<String> ran = new ArrayList<>();
      shared.whenReleased(() -> ran.add("first"));
      shared.whenReleased(() -> ran.add("second"));
      assertThat(ran).as("nothing runs before the release").isEmpty();

      shared.release();
      assertThat(ran).containsExactly("first", "second");

      shared.whenReleased(() -> ran.add("after"));
      assertThat(ran).as("released: at once").containsExactly("first", "second", "after");
    }
  }

  @Test
  void createdResourcesAreReleasedFromTheStart() {
    try (SharedResources shared = SharedResources.create(1, id -> Duration.ZERO, Reporter.Listener.NONE)) {
      List<String> ran = new ArrayList<>();
      shared.whenReleased(() -> ran.add("now"));
      assertThat(ran).containsExactly("now");
    }
  }

  @Test
  void aHostsTlsChannelConnectsOnlyOnceTheResourcesAreReleased() throws Exception {
    TestPki pki = TestPki.create(pkiDir);
    AgentTls tls = AgentTls.load(pki.hostTls("host-1", Duration.ofMinutes(1)), "host-1");
    try (FakeScheduler scheduler = new FakeScheduler(pki, PeerIdentity.scheduler());
        SharedResources shared = SharedResources.held(1, id -> Duration.ZERO, Reporter.Listener.NONE)) {
      ManagedChannel channel = shared.channel(scheduler.target(), tls);
      assertThat(channel.getState(false)).as("held: not connecting").isEqualTo(ConnectivityState.IDLE);

      shared.release();
      assertThat(channel.getState(false)).as("released: connecting (the handshake on Netty's loop)")
          .isNotEqualTo(ConnectivityState.IDLE);
    }
  }
}
