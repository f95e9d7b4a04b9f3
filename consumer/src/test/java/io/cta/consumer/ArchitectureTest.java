package io.cta.consumer;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.cta.activities.events.AgentEvent;
import io.cta.activities.server.ExecutionPlan;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionLifecycle;
import io.cta.server.execution.ExecutionStore;
import io.cta.workflows.execution.LaneInput;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoOperations;
import org.springframework.web.ErrorResponse;

/**
 * The rules of docs/architecture.md#rules-the-build-enforces, over the consumer's class path (the
 * consumer, server-core, workflows, activities, temporal-config; the api has its own test).
 *
 * <p>Where today's code breaks a rule, the classes that do are listed by name below: only a new
 * class breaking it fails the build, and a listed class that no longer breaks it fails too, so the
 * lists only shrink. Class names rather than ArchUnit's frozen violation texts: those name every
 * method signature, so any unrelated edit of a listed class would fail the build.
 */
class ArchitectureTest {

  private static final JavaClasses CTA =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          // server-core's test jar (the store contract's backends), when Maven resolves it packaged
          .withImportOption(location -> !location.contains("-tests.jar"))
          .importPackages("io.cta");

  /**
   * Where domain code, stores and activities live: they speak in {@code io.cta.server.error}
   * refusals and outcomes, never in HTTP. The rest (server-core's {@code web}, {@code security} and
   * {@code config}, the consumer's agent endpoints {@code agent} and its {@code config}) is the web
   * side and the wiring.
   */
  private static final String[] DOMAIN_STORE_AND_ACTIVITY_PACKAGES = {
    "io.cta.server.audit..",
    "io.cta.server.definition..",
    "io.cta.server.error..",
    "io.cta.server.execution..",
    "io.cta.server.history..",
    "io.cta.server.live..",
    "io.cta.server.machine..",
    "io.cta.server.notification..",
    "io.cta.server.scenario..",
    "io.cta.server.secret..",
    "io.cta.server.temporal..",
    "io.cta.server.vm..",
    "io.cta.consumer.execution..",
    "io.cta.consumer.metrics..",
    "io.cta.consumer.notification..",
    "io.cta.consumer.periodic..",
    "io.cta.consumer.reconcile..",
    "io.cta.consumer.retention..",
    "io.cta.consumer.schedule..",
    "io.cta.consumer.vm.."
  };

  /**
   * The Spring web classes that domain code may use, each for a reason that has nothing to do with
   * HTTP: {@code HtmlUtils} escapes text for the HTML part of a notification email.
   */
  private static final Set<String> WEB_UTILITIES_ALLOWED_IN_DOMAIN =
      Set.of("org.springframework.web.util.HtmlUtils");

  /**
   * The classes that may use Spring's exceptions carrying an HTTP status ({@code ErrorResponse}):
   * the one mapping from refusals to HTTP (docs/architecture.md#errors), and {@code AcceptHeader},
   * which catches Spring's own 406 for an unparsable {@code Accept} to answer with a problem
   * instead (it throws none).
   */
  private static final Set<String> ERROR_RESPONSE_USERS =
      Set.of("io.cta.server.web.ProblemHandler", "io.cta.server.web.AcceptHeader");

  /**
   * Classes that are not stores but use the MongoDB template directly: the infrastructure that
   * declares the indexes and pings MongoDB for readiness, and queries nothing.
   */
  private static final Set<String> TEMPLATE_OUTSIDE_STORES =
      Set.of("io.cta.server.config.MongoIndexes", "io.cta.server.config.MongoPingHealthIndicator");

  /** Records too wide to build positionally: built through their named builders and factories. */
  private static final Class<?>[] WIDE_RECORDS = {
    ExecutionDocument.class, AgentEvent.class, ExecutionPlan.class, LaneInput.class
  };

  @Test
  void givenWorkflowAndActivityContracts_whenImported_thenTheyUseNoSpringHttpMongoOrReactor() {
    noClasses()
        .that()
        .resideInAnyPackage("io.cta.workflows..", "io.cta.activities..", "io.cta.temporal..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.springframework..", "java.net.http..", "com.mongodb..", "org.bson..", "reactor..")
        .because("workflow code must stay deterministic and the contract free of frameworks")
        .check(CTA);
  }

  @Test
  void givenDomainStoreAndActivityPackages_whenImported_thenTheyUseNoSpringWebOrHttpTypes() {
    noClasses()
        .that()
        .resideInAnyPackage(DOMAIN_STORE_AND_ACTIVITY_PACKAGES)
        .or()
        .haveSimpleNameEndingWith("ActivitiesImpl")
        .should()
        .dependOnClassesThat(
            resideInAnyPackage("org.springframework.http..", "org.springframework.web..")
                .and(not(nameMatching(alternatives(WEB_UTILITIES_ALLOWED_IN_DOMAIN)))))
        .because(
            "domain code, stores and activities throw io.cta.server.error refusals or return"
                + " outcomes; only the web side speaks HTTP (docs/architecture.md#errors)")
        .check(CTA);
  }

  @Test
  void givenErrorResponses_whenImported_thenOnlyTheProblemMappingUsesThem() {
    noClasses()
        .that()
        .haveNameNotMatching(alternatives(ERROR_RESPONSE_USERS))
        .should()
        .dependOnClassesThat()
        .areAssignableTo(ErrorResponse.class)
        .because(
            "a refusal is an io.cta.server.error exception, and ProblemHandler alone gives it a"
                + " status: an exception carrying an HTTP status elsewhere would be a second"
                + " mapping (docs/architecture.md#errors)")
        .check(CTA);
  }

  @Test
  void givenTheRefusals_whenImported_thenTheyDependOnNothingButTheJdk() {
    noClasses()
        .that()
        .resideInAPackage("io.cta.server.error..")
        .should()
        .dependOnClassesThat(not(resideInAnyPackage("java..", "io.cta.server.error..")))
        .because("domain code of every module throws them, with no framework attached")
        .check(CTA);
  }

  @Test
  void givenMongoTemplates_whenImported_thenOnlyStoresAndTheListedClassesUseThem() {
    assertEquals(
        new TreeSet<>(TEMPLATE_OUTSIDE_STORES),
        violators(
            c -> !c.getSimpleName().endsWith("Store"),
            target -> target.isAssignableTo(ReactiveMongoOperations.class)),
        "every MongoDB query lives in a store class: a new violator is a regression, a listed"
            + " class that no longer violates leaves the list");
  }

  /**
   * The methods of {@link ExecutionStore} that change an execution's state: each is a conditional
   * update that only the lifecycle owner calls (docs/architecture.md#lifecycle-owner).
   */
  static final Set<String> STATE_CHANGING =
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
  void givenExecutionStore_whenImported_thenOnlyTheLifecycleOwnerChangesAnExecutionsState() {
    Set<String> declared = new TreeSet<>();
    for (Method method : ExecutionStore.class.getDeclaredMethods()) {
      if (Modifier.isPublic(method.getModifiers())) {
        declared.add(method.getName());
      }
    }
    assertTrue(
        declared.containsAll(STATE_CHANGING),
        "a listed method was renamed or removed: " + STATE_CHANGING + " vs " + declared);
    noClasses()
        .that()
        .doNotBelongToAnyOf(ExecutionLifecycle.class, ExecutionStore.class)
        .should()
        .callMethodWhere(
            DescribedPredicate.describe(
                "a state-changing method of ExecutionStore " + STATE_CHANGING,
                (JavaMethodCall call) ->
                    call.getTargetOwner().isAssignableTo(ExecutionStore.class)
                        && STATE_CHANGING.contains(call.getName())))
        .because("one class owns every transition of an execution and its conditional update")
        .check(CTA);
  }

  @Test
  void givenWideRecords_whenImported_thenOnlyTheyAndTheirBuildersCallTheirConstructors() {
    noClasses()
        .that()
        .doNotBelongToAnyOf(WIDE_RECORDS)
        .should()
        .callConstructorWhere(
            DescribedPredicate.describe(
                "the constructor of a wide record " + Arrays.toString(WIDE_RECORDS),
                (JavaConstructorCall call) ->
                    Arrays.stream(WIDE_RECORDS).anyMatch(call.getTargetOwner()::isEquivalentTo)))
        .because(
            "a row of positional values lets two of one type be swapped silently; their builders"
                + " and factories name each value (docs/architecture.md#rules-the-build-enforces)")
        .check(CTA);
  }

  /** The top-level classes matching {@code scope} with a dependency on a class {@code banned}. */
  private static Set<String> violators(Predicate<JavaClass> scope, Predicate<JavaClass> banned) {
    Set<String> found = new TreeSet<>();
    for (JavaClass c : CTA) {
      if (!scope.test(topLevel(c))) {
        continue;
      }
      List<JavaClass> targets =
          c.getDirectDependenciesFromSelf().stream().map(Dependency::getTargetClass).toList();
      if (targets.stream().anyMatch(banned)) {
        found.add(topLevel(c).getName());
      }
    }
    return found;
  }

  private static JavaClass topLevel(JavaClass c) {
    JavaClass top = c;
    while (top.getEnclosingClass().isPresent()) {
      top = top.getEnclosingClass().get();
    }
    return top;
  }

  /** A regular expression matching exactly the given class names. */
  private static String alternatives(Set<String> names) {
    return names.stream().map(Pattern::quote).collect(Collectors.joining("|"));
  }
}
