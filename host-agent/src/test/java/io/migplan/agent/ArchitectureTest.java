package io.migplan.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The agent's package map, kept by the build: no cycles; the composition root ({@code
 * io.migplan.agent}) apart from configuration ({@code config}) and scanning ({@code scan},
 * {@code inventory}, {@code libvirt}); the simulator, the benchmarks and the command line off the
 * path a real agent runs.
 */
class ArchitectureTest {

  private static final String ROOT = "io.migplan.agent";

  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages(ROOT);

  @Test
  void noPackageDependsOnItselfThroughAnother() {
    slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void aRealAgentsPathNeverReachesTheSimulatorTheBenchmarksOrTheCommandLine() {
    noClasses().that().resideInAnyPackage(ROOT, ROOT + ".config..", ROOT + ".scan..", ROOT + ".inventory..",
            ROOT + ".libvirt..", ROOT + ".probe..", ROOT + ".report..", ROOT + ".grpc..")
        .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".sim..", ROOT + ".bench..", ROOT + ".cli..")
        .check(MAIN);
  }

  @Test
  void scanningAndConfigurationKnowNothingOfTheCompositionRoot() {
    noClasses().that().resideInAnyPackage(ROOT + ".config..", ROOT + ".scan..", ROOT + ".inventory..",
            ROOT + ".libvirt..", ROOT + ".probe..", ROOT + ".report..", ROOT + ".grpc..")
        .should().dependOnClassesThat().resideInAPackage(ROOT)
        .check(MAIN);
  }
}
