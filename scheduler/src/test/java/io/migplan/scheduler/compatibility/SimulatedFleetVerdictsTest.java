package io.migplan.scheduler.compatibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.migplan.agent.sim.FleetSimulator.HostStatus;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.SimulationException;
import io.migplan.scheduler.testsupport.SixHostFleet;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verdicts across the reports of real agents (the simulated six-host fleet, its agents' own probe
 * backends and reports, the background refresh switched on): a migration between two hosts makes
 * both report, and neither is asked again about anything. (A changed driver, release or type is
 * asked again: {@link MatrixRefresherTest}; the simulator upgrades only hosts without VMs.)
 */
@QuarkusTest
@TestProfile(MatrixRefresherTest.RefreshOnReport.class)
class SimulatedFleetVerdictsTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final Duration POLL = Duration.ofMillis(100);

    @Inject
    AgroalDataSource ds;
    @Inject
    MatrixRefresher refresher;

    @TempDir
    Path dir;

    RunningFleet fleet;

    @BeforeEach
    void startFleet() throws Exception {
        fleet = SixHostFleet.start(ds, dir);
        // Every cell the fleet needs is stored once a refresh of each host finds none missing.
        await("the matrix holds every cell of the fleet").atMost(WAIT).pollInterval(POLL).pollInSameThread()
                .until(() -> fleet.listHosts().stream().mapToInt(h -> refresher.refresh(h.host())).sum() == 0);
    }

    @AfterEach
    void stopFleet() {
        SixHostFleet.stop(ds, fleet);
    }

    /** One move between two T4 hosts the simulator accepts (the first VM and host with a free instance). */
    private Move migrateBetweenT4s() {
        List<String> t4 = fleet.listHosts().stream().filter(h -> h.board().equals("T4")).map(HostStatus::host)
                .toList();
        for (String from : t4) {
            for (String vm : vmsOn(from)) {
                for (String to : t4) {
                    if (to.equals(from)) {
                        continue;
                    }
                    Move move = new Move(vm, from, to, valid(from), valid(to), generation(from), generation(to),
                            Instant.now());
                    try {
                        fleet.migrateVm(vm, to, "");
                        return move;
                    } catch (SimulationException refused) {
                        // No free instance of the VM's type there: nothing changed, try the next.
                    }
                }
            }
        }
        throw new IllegalStateException("no VM of a T4 host fits on another T4 host of the fleet");
    }

    /** A VM moved, with what the two hosts held before. */
    private record Move(String vm, String source, String target, long validAtSource, long validAtTarget,
            long sourceGeneration, long targetGeneration, Instant before) {
    }

    @Test
    void aMigrationBetweenTwoHostsKeepsBothHostsVerdictsAndAsksNoAgentAboutThem() {
        Move m = migrateBetweenT4s();
        assertThat(m.validAtTarget()).isPositive();

        await("both hosts reported").atMost(WAIT).pollInterval(POLL).pollInSameThread()
                .until(() -> generation(m.source()) > m.sourceGeneration()
                        && generation(m.target()) > m.targetGeneration());
        assertThat(valid(m.source())).as("the source's verdicts at its new generation").isEqualTo(m.validAtSource());
        assertThat(valid(m.target())).as("the target's verdicts at its new generation").isEqualTo(m.validAtTarget());
        assertThat(refresher.refresh(m.target()) + refresher.refresh(m.source())).as("cells asked after the move")
                .isZero();
        assertThat(askedSince(m.source(), m.before()) + askedSince(m.target(), m.before()))
                .as("verdicts about the two hosts asked since the move").isZero();
    }

    /** Verdicts about {@code host} as a target valid at its current generation. */
    private long valid(String host) {
        return count("select count(*) from compatibility_verdict v join host h on h.id = v.target_host"
                + " and h.generation = v.target_generation where v.target_host = ?", host);
    }

    /** Verdicts about {@code host} as a target that its agent answered since {@code since}. */
    private long askedSince(String host, Instant since) {
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(
                "select count(*) from compatibility_verdict where target_host = ? and asked_at > ?")) {
            s.setString(1, host);
            s.setTimestamp(2, Timestamp.from(since));
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long generation(String host) {
        return count("select generation from host where id = ?", host);
    }

    private List<String> vmsOn(String host) {
        try (Connection c = ds.getConnection();
                PreparedStatement s = c.prepareStatement("select name from vm where host = ? order by name")) {
            s.setString(1, host);
            List<String> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long count(String sql, String host) {
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, host);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
