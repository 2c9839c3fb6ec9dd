package io.migplan.scheduler.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.scheduler.campaign.Transitions.CampaignState;
import io.migplan.scheduler.campaign.Transitions.HostStep;
import io.migplan.scheduler.campaign.Transitions.MigrationState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The one table of allowed moves, and the table the campaign guide prints, agree. */
class TransitionsTest {

    /** The "States" table of docs/campaigns.md: machine → from → the states it may move to. */
    private static Map<String, Map<String, Set<String>>> documented() throws IOException {
        Path doc = Path.of("..", "docs", "campaigns.md");
        Map<String, Map<String, Set<String>>> out = new TreeMap<>();
        for (String line : Files.readAllLines(doc)) {
            String[] cells = line.split("\\|");
            if (cells.length != 4 || !Set.of("campaign", "host", "migration").contains(cells[1].strip())) {
                continue;
            }
            String machine = cells[1].strip();
            Set<String> to = new TreeSet<>();
            if (!cells[3].strip().equals("(final)")) {
                Arrays.stream(cells[3].split(",")).map(String::strip).forEach(to::add);
            }
            for (String from : cells[2].split(",")) {
                out.computeIfAbsent(machine, m -> new TreeMap<>()).put(from.strip(), to);
            }
        }
        return out;
    }

    private static <S extends Enum<S>> Map<String, Set<String>> table(Map<S, Set<S>> moves) {
        Map<String, Set<String>> out = new TreeMap<>();
        moves.forEach((from, to) -> {
            Set<String> names = new TreeSet<>();
            to.forEach(t -> names.add(t.name()));
            out.put(from.name(), names);
        });
        return out;
    }

    @Test
    void theGuidesTableIsTheTableTheCodeEnforces() throws IOException {
        Map<String, Map<String, Set<String>>> doc = documented();
        assertThat(doc.get("campaign")).isEqualTo(table(Transitions.campaign()));
        assertThat(doc.get("host")).isEqualTo(table(Transitions.host()));
        assertThat(doc.get("migration")).isEqualTo(table(Transitions.migration()));
    }

    @Test
    void everyStateHasARowSoNoStateIsForgotten() {
        assertThat(Transitions.campaign().keySet()).isEqualTo(EnumSet.allOf(CampaignState.class));
        assertThat(Transitions.host().keySet()).isEqualTo(EnumSet.allOf(HostStep.class));
        assertThat(Transitions.migration().keySet()).isEqualTo(EnumSet.allOf(MigrationState.class));
    }

    @Test
    void aCampaignIsFinalExactlyInTheStatesWithNoMoveOut() {
        assertThat(EnumSet.allOf(CampaignState.class).stream().filter(Transitions::isFinal).toList())
                .containsExactlyInAnyOrder(CampaignState.DRY_RUN, CampaignState.ABORTED, CampaignState.COMPLETED,
                        CampaignState.FAILED);
    }

    @Test
    void aMoveTheTableDoesNotListIsRefusedNamingTheSubjectAndWhatIsAllowed() {
        assertThat(Transitions.require("migration m-1", MigrationState.ISSUED, MigrationState.DONE))
                .isEqualTo(MigrationState.DONE);
        assertThatThrownBy(() -> Transitions.require("migration m-1", MigrationState.FAILED, MigrationState.DONE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("migration m-1 cannot go from FAILED to DONE; allowed from FAILED: []");
        // A host handed out for upgrade is never planned again, only taken back to draining.
        assertThat(Transitions.allowed(HostStep.READY_TO_UPGRADE, HostStep.PENDING)).isFalse();
        assertThat(Transitions.allowed(HostStep.READY_TO_UPGRADE, HostStep.DRAINING)).isTrue();
        // Nothing is issued twice, and nothing but a planned migration is cancelled.
        assertThat(Transitions.allowed(MigrationState.ISSUED, MigrationState.ISSUED)).isFalse();
        assertThat(Transitions.allowed(MigrationState.ISSUED, MigrationState.CANCELLED)).isFalse();
        // A finished campaign stays finished.
        assertThat(Transitions.allowed(CampaignState.ABORTED, CampaignState.RUNNING)).isFalse();
        assertThat(Transitions.allowed(CampaignState.COMPLETED, CampaignState.RUNNING)).isFalse();
    }
}
