package io.migplan.scheduler.db;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * Registers {@link TestDatabaseResource} for every {@code @QuarkusTest} of the module at
 * once, so all test classes share one profile, one set of resources and so one boot.
 */
@WithTestResource(value = TestDatabaseResource.class, scope = TestResourceScope.GLOBAL)
public final class TestDatabase {
    private TestDatabase() {
    }
}
