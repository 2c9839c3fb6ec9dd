package io.migplan.scheduler.db;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TestDatabaseResourceTest {

    @Test
    void theDatabaseNameIsReplacedAndParametersKept() {
        assertThat(TestDatabaseResource.withDatabase("jdbc:postgresql://127.0.0.1:5432/test", "x"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/x");
        assertThat(TestDatabaseResource.withDatabase("jdbc:postgresql://db:5432/test?sslmode=disable", "x"))
                .isEqualTo("jdbc:postgresql://db:5432/x?sslmode=disable");
        assertThat(TestDatabaseResource.withDatabase("jdbc:postgresql://db:5432", "x"))
                .isEqualTo("jdbc:postgresql://db:5432/x");
    }
}
