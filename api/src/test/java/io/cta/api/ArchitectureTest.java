package io.cta.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.cta.server.execution.ExecutionStore;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoOperations;
import org.springframework.web.ErrorResponse;

/**
 * The api's side of docs/architecture.md#rules-the-build-enforces (the consumer's ArchitectureTest
 * covers server-core): the api holds no MongoDB template but those listed here, which predate the
 * rule; a new one fails the build, and so does a listed class that no longer uses the template, so
 * the list only shrinks. Its refusals are {@code io.cta.server.error} exceptions, which
 * server-core's {@code ProblemHandler} alone maps to HTTP (docs/architecture.md#errors). And no api
 * class changes an execution's state but through {@code ExecutionLifecycle}.
 */
class ArchitectureTest {

  private static final JavaClasses API =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.cta.api");

  /** None any more: suites, configurations and scenarios are stored by server-core's stores. */
  private static final Set<String> TEMPLATE_IN_API = Set.of();

  @Test
  void givenApiClasses_whenImported_thenNoneUsesAnExceptionCarryingAnHttpStatus() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .areAssignableTo(ErrorResponse.class)
        .because(
            "a controller refuses with an io.cta.server.error exception and ProblemHandler gives it"
                + " its status: an exception carrying one here would be a second mapping")
        .check(API);
  }

  @Test
  void givenApiClasses_whenImported_thenNoneBuildsAMongoQueryOrUpdate() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.springframework.data.mongodb..", "com.mongodb..")
        .because(
            "every MongoDB query and update lives in a server-core store; the api passes typed"
                + " values (a filter record, a Sort), never Criteria, Query or Update")
        .check(API);
  }

  @Test
  void givenApiClasses_whenImported_thenOnlyTheListedOnesUseTheMongoTemplate() {
    Set<String> found = new TreeSet<>();
    for (JavaClass c : API) {
      boolean usesTemplate =
          c.getDirectDependenciesFromSelf().stream()
              .map(Dependency::getTargetClass)
              .anyMatch(target -> target.isAssignableTo(ReactiveMongoOperations.class));
      if (usesTemplate) {
        JavaClass top = c;
        while (top.getEnclosingClass().isPresent()) {
          top = top.getEnclosingClass().get();
        }
        found.add(top.getName());
      }
    }
    assertEquals(
        new TreeSet<>(TEMPLATE_IN_API),
        found,
        "storage belongs in server-core's stores: a new violator is a regression, a listed class"
            + " that no longer violates leaves the list");
  }

  /** The state-changing methods of {@link ExecutionStore} (as in the consumer's test). */
  private static final Set<String> STATE_CHANGING =
      Set.of(
          "insert",
          "insertEnded",
          "setMachines",
          "markMachineRunning",
          "markMachineLost",
          "requestCancel",
          "complete",
          "completeCounted");

  @Test
  void givenApiClasses_whenImported_thenNoneChangesAnExecutionsStateButThroughTheLifecycleOwner() {
    noClasses()
        .should()
        .callMethodWhere(
            DescribedPredicate.describe(
                "a state-changing method of ExecutionStore " + STATE_CHANGING,
                (JavaMethodCall call) ->
                    call.getTargetOwner().isAssignableTo(ExecutionStore.class)
                        && STATE_CHANGING.contains(call.getName())))
        .because("ExecutionLifecycle owns every transition of an execution")
        .check(API);
  }
}
