package io.migplan.scheduler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package map of docs/architecture.md, kept by the build: packages by concept with no cycle
 * between them, the API layer imported by nobody, and the leaves (errors, the snapshot, the
 * planners' cores) free of the services and of the database.
 */
class ArchitectureTest {

    private static final String ROOT = "io.migplan.scheduler";

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void noPackageDependsOnItselfThroughAnother() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void servicesNeverImportTheApiLayer() {
        noClasses().that().resideOutsideOfPackage(ROOT + ".api..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".api..")
                .check(MAIN);
    }

    @Test
    void errorsAndReasonsDependOnNoOtherPackageOfTheScheduler() {
        noClasses().that().resideInAPackage(ROOT + ".error..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".api..", ROOT + ".campaign..",
                        ROOT + ".compatibility..", ROOT + ".evacuation..", ROOT + ".inventory..",
                        ROOT + ".placement..", ROOT + ".reservation..", ROOT + ".snapshot..")
                .check(MAIN);
    }

    @Test
    void theSnapshotKnowsNothingOfPlacementPlanningOrCompatibility() {
        noClasses().that().resideInAPackage(ROOT + ".snapshot..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".api..", ROOT + ".campaign..",
                        ROOT + ".compatibility..", ROOT + ".evacuation..", ROOT + ".placement..",
                        ROOT + ".reservation..")
                .check(MAIN);
    }

    @Test
    void thePlannersCoresAreFreeOfServicesAndTheDatabase() {
        noClasses().that().resideInAnyPackage(ROOT + ".evacuation.planner..", ROOT + ".campaign.planner..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".api..", ROOT + ".compatibility..",
                        ROOT + ".inventory..", ROOT + ".reservation..", ROOT + ".db..", "jakarta.persistence..",
                        "jakarta.enterprise..")
                .check(MAIN);
    }
}
