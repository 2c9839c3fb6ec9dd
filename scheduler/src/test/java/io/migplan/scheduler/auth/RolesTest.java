package io.migplan.scheduler.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RolesTest {

    @Test
    void anAdminHoldsEveryRoleAnOperatorAndAnOrchestratorAlsoReadAViewerOnlyReads() {
        assertThat(Roles.implied(Set.of("admin"))).containsExactlyInAnyOrderElementsOf(Roles.ALL);
        assertThat(Roles.implied(Set.of("operator"))).containsExactlyInAnyOrder("operator", "viewer");
        assertThat(Roles.implied(Set.of("orchestrator"))).containsExactlyInAnyOrder("orchestrator", "viewer");
        assertThat(Roles.implied(Set.of("viewer"))).containsExactly("viewer");
        assertThat(Roles.implied(Set.of("unrelated"))).containsExactly("unrelated");
    }

    @Test
    void aRoleIsPermittedWhatItOrARoleItIncludesIsDeclaredFor() {
        assertThat(Roles.permits(Set.of("operator"), Set.of("viewer"))).isTrue();
        assertThat(Roles.permits(Set.of("operator"), Set.of("orchestrator"))).isFalse();
        assertThat(Roles.permits(Set.of("orchestrator"), Set.of("operator"))).isFalse();
        assertThat(Roles.permits(Set.of("viewer"), Set.of("operator"))).isFalse();
        assertThat(Roles.permits(Set.of("admin"), Set.of("orchestrator"))).isTrue();
    }

    @Test
    void theRolesATokenWasGivenAreShownWithoutTheInheritedOnes() {
        assertThat(Roles.given(Set.of("admin", "viewer", "operator", "orchestrator"))).containsExactly("admin");
        assertThat(Roles.given(Set.of("operator", "viewer"))).containsExactly("operator");
        assertThat(Roles.given(Set.of("viewer"))).containsExactly("viewer");
    }

    @Test
    void theRolesAnOperationNeedsAreNamedWithThoseThatIncludeThem() {
        assertThat(Access.phrase(Set.of("viewer"))).isEqualTo("viewer, operator, orchestrator or admin");
        assertThat(Access.phrase(Set.of("operator"))).isEqualTo("operator or admin");
        assertThat(Access.phrase(Set.of("admin"))).isEqualTo("admin");
    }
}
