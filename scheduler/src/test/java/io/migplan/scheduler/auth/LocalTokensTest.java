package io.migplan.scheduler.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.scheduler.error.InvalidRequestException;
import io.quarkus.security.AuthenticationFailedException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTokensTest {

    @TempDir
    Path dir;

    LocalTokens tokens() {
        return new LocalTokens(SigningKeys.loadOrCreate(dir.resolve("keys")), Duration.ofDays(30));
    }

    @Test
    void aTokenMadeIsAcceptedWithItsSubjectAndRole() {
        LocalTokens tokens = tokens();
        LocalTokens.Issued issued = tokens.issue("ci-pipeline", "operator", Duration.ofHours(24), Instant.now());

        assertThat(LocalTokens.claimsToBeOurs(issued.token())).isTrue();
        assertThat(tokens.verify(issued.token())).isEqualTo(new LocalTokens.Caller("ci-pipeline", Set.of("operator")));
    }

    @Test
    void aTokenMadeForSeveralRolesCarriesEachOfThem() {
        LocalTokens tokens = tokens();
        LocalTokens.Issued issued = tokens.issue("drainer", " operator , orchestrator", Duration.ofHours(1),
                Instant.now());

        assertThat(issued.role()).isEqualTo("operator,orchestrator");
        assertThat(tokens.verify(issued.token()))
                .isEqualTo(new LocalTokens.Caller("drainer", Set.of("operator", "orchestrator")));
    }

    @Test
    void aTokenVerifiedBeforeIsRefusedOnceItExpires() {
        LocalTokens tokens = tokens();
        Instant now = Instant.now();
        // Made to expire two seconds from now; the second check is asked as of after that.
        String token = tokens.issue("ops", "viewer", Duration.ofSeconds(2), now).token();
        assertThat(tokens.verify(token).subject()).isEqualTo("ops");

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> System.currentTimeMillis() / 1000 >= now.plusSeconds(2).getEpochSecond());
        assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(AuthenticationFailedException.class)
                .satisfies(e -> assertThat(TokenRejection.reason(e)).contains("expired"));
    }

    @Test
    void anExpiredTokenIsRefusedSayingSo() {
        LocalTokens tokens = tokens();
        String token = tokens.issue("ops", "viewer", Duration.ofMinutes(1), Instant.now().minus(Duration.ofHours(1)))
                .token();

        assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(AuthenticationFailedException.class)
                .satisfies(e -> assertThat(TokenRejection.reason(e)).contains("expired"));
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRefused() {
        String foreign = new LocalTokens(SigningKeys.loadOrCreate(dir.resolve("other")), Duration.ofDays(1))
                .issue("intruder", "admin", Duration.ofHours(1), Instant.now()).token();

        assertThatThrownBy(() -> tokens().verify(foreign)).isInstanceOf(AuthenticationFailedException.class)
                .satisfies(e -> assertThat(TokenRejection.reason(e)).startsWith("the bearer token is not valid"));
    }

    @Test
    void aTtlAboveTheMaximumAnUnknownRoleOrAnEmptySubjectIsRefusedNamingTheField() {
        LocalTokens tokens = tokens();
        assertThatThrownBy(() -> tokens.issue("ops", "operator", Duration.ofDays(31), Instant.now()))
                .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("ttl must be at most PT720H");
        assertThatThrownBy(() -> tokens.issue("ops", "root", Duration.ofHours(1), Instant.now()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("role must be one of [viewer, operator, orchestrator, admin], or several of them separated"
                        + " by commas, got 'root'");
        for (String bad : new String[] {"operator,", "operator,operator", ",viewer", "operator,root"}) {
            assertThatThrownBy(() -> tokens.issue("ops", bad, Duration.ofHours(1), Instant.now()))
                    .as(bad).isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("role must be one of");
        }
        assertThatThrownBy(() -> tokens.issue(" ", "viewer", Duration.ofHours(1), Instant.now()))
                .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("subject is required");
    }

    @Test
    void onlyATokenNamingThisSchedulerAsIssuerIsClaimedAsOurs() {
        assertThat(LocalTokens.claimsToBeOurs("not-a-jwt")).isFalse();
        String header = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{}".getBytes());
        String other = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"iss\":\"https://keycloak.example/realms/ops\"}".getBytes());
        assertThat(LocalTokens.claimsToBeOurs(header + "." + other + ".sig")).isFalse();
    }
}
