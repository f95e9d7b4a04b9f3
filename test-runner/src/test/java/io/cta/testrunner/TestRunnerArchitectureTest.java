package io.cta.testrunner;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The module's rule (docs/architecture.md#dependency-rules): what every runner of tests shares
 * depends on the JDK and on {@code activities}' message types only. Launching processes over
 * Temporal, HTTP or anything a runner brings stays in that runner, so each can use this module.
 */
class TestRunnerArchitectureTest {

  private static final JavaClasses RUNNER =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.cta.testrunner");

  @Test
  void givenTheSharedRunnerCode_whenImported_thenItUsesNoRunnerTemporalHttpOrLogging() {
    noClasses()
        .that()
        .resideInAPackage("io.cta.testrunner..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.cta.agent..",
            "io.cta.server..",
            "io.cta.consumer..",
            "io.cta.api..",
            "io.cta.workflows..",
            "io.cta.temporal..",
            "io.temporal..",
            "org.springframework..",
            "java.net.http..",
            "com.sun.net.httpserver..",
            "org.slf4j..")
        .check(RUNNER);
  }
}
