package io.cta.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.activities.TestStatus;
import io.cta.activities.agent.StageSpec;
import io.cta.activities.agent.TestSpec;
import io.cta.activities.events.AgentEvent;
import io.cta.testrunner.result.CaseResult;
import io.cta.testrunner.result.Verdict;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a test's verdict, its JUnit reports and its explicit results become its results
 * (docs/design.md#counting), with real stage processes where the verdict matters.
 */
class TestRunTest {

  private static final String PASSING_REPORT =
      "mkdir -p out && printf '<testsuite name=\"s\" tests=\"2\"><testcase name=\"a\" classname=\"s\""
          + " time=\"0.5\"/><testcase name=\"b\" classname=\"s\" time=\"0.25\"><skipped/></testcase>"
          + "</testsuite>' > out/TEST-s.xml";

  @TempDir Path work;

  private final List<AgentEvent> events = new CopyOnWriteArrayList<>();

  private TestRun testRun(List<String> reports, String... commands) {
    List<StageSpec> stages =
        List.of(commands).stream()
            .map(command -> new StageSpec("run", command, null, null, Map.of(), true, 10_000))
            .toList();
    return new TestRun(
        "e1",
        1,
        new TestSpec("t1", "t1", "commandLine", reports, stages),
        "lab-01",
        work,
        events::add,
        () -> {},
        null,
        ResultFiles.NONE);
  }

  private TestOutcome run(List<String> reports, String... commands) throws InterruptedException {
    TestRun run = testRun(reports, commands);
    return run.finish(new CommandLineExecutor().run(run));
  }

  private List<AgentEvent> results() {
    return events.stream().filter(e -> e.type().equals(AgentEvent.RESULT)).toList();
  }

  private AgentEvent result(String caseName) {
    return results().stream()
        .filter(e -> e.caseName().equals(caseName))
        .reduce((first, later) -> later)
        .orElseThrow(() -> new AssertionError("no result '" + caseName + "' in " + results()));
  }

  @Test
  void givenAReportWithNoFailingCase_whenTheStageExitsNonZero_thenAFailedResultForTheTestIsAdded()
      throws Exception {
    TestOutcome outcome = run(List.of("out/*.xml"), PASSING_REPORT + "; echo boom >&2; exit 2");

    assertEquals(new TestOutcome(TestStatus.failed, 3), outcome);
    assertEquals("ok", result("s.a").status());
    assertEquals(500L, result("s.a").durationMs());
    assertEquals("inconclusive", result("s.b").status());
    AgentEvent test = result("");
    assertEquals("failed", test.status());
    assertEquals("stage 'run' exited with 2: boom", test.message());
  }

  @Test
  void givenAFirstStageWithACwd_whenTheReportsAreRead_thenTheirGlobsAreRelativeToIt()
      throws Exception {
    StageSpec stage = new StageSpec("run", PASSING_REPORT, null, "project", Map.of(), true, 10_000);
    TestRun run =
        new TestRun(
            "e1",
            1,
            new TestSpec("t1", "t1", "commandLine", List.of("out/*.xml"), List.of(stage)),
            "lab-01",
            work,
            events::add,
            () -> {},
            null,
            ResultFiles.NONE);

    TestOutcome outcome = run.finish(new CommandLineExecutor().run(run));

    assertEquals(work.resolve("project"), run.testDir());
    assertEquals(new TestOutcome(TestStatus.inconclusive, 2), outcome);
    assertEquals("ok", result("s.a").status());
  }

  @Test
  void givenAReportWithAFailingCase_whenTheStageExitsNonZero_thenTheCasesAloneAreTheResults()
      throws Exception {
    String copy =
        "mkdir -p reports && cp '"
            + Path.of(getClass().getResource("/junit/pytest/junit.xml").toURI())
            + "' reports/junit.xml && exit 1";

    TestOutcome outcome = run(List.of("reports/junit.xml"), copy);

    assertEquals(new TestOutcome(TestStatus.failed, 8), outcome);
    assertTrue(results().stream().noneMatch(e -> e.caseName().isEmpty()), results().toString());
  }

  @Test
  void givenAMissingReport_whenTheStagesPass_thenTheTestIsOneInconclusiveResultSayingSo()
      throws Exception {
    TestOutcome outcome = run(List.of("target/surefire-reports/*.xml"), "echo no tests here");

    assertEquals(new TestOutcome(TestStatus.inconclusive, 1), outcome);
    AgentEvent missing = result("target/surefire-reports/*.xml");
    assertEquals("inconclusive", missing.status());
    assertEquals("no report matches 'target/surefire-reports/*.xml'", missing.message());
  }

  @Test
  void givenAMissingReport_whenAMandatoryStageFails_thenItIsInconclusiveAndTheTestFailed()
      throws Exception {
    TestOutcome outcome = run(List.of("out/*.xml"), "exit 3", PASSING_REPORT);

    assertEquals(new TestOutcome(TestStatus.failed, 2), outcome);
    assertEquals("inconclusive", result("out/*.xml").status());
    assertEquals("stage 'run' exited with 3", result("").message());
  }

  @Test
  void givenExplicitResults_whenTheStagesPass_thenTheyAloneDecideWithoutAnOkForTheTest() {
    TestRun run = testRun(List.of());
    run.report(CaseResult.of("checkout", TestStatus.failed, "card declined"));
    run.report(CaseResult.of("login", TestStatus.failed, "slow"));
    run.report(CaseResult.of("login", TestStatus.ok, "passed on second look"));

    TestOutcome outcome = run.finish(Verdict.passed("passed"));

    assertEquals(new TestOutcome(TestStatus.failed, 2), outcome, "login counts once");
    assertEquals(3, results().size());
    assertEquals(
        result("login").key(),
        results().get(1).key(),
        "a later report of a case has the same key, so it replaces the earlier one");
  }

  @Test
  void givenExplicitResultsThatDoNotFail_whenTheVerdictFails_thenAFailedResultForTheTestIsAdded() {
    TestRun run = testRun(List.of());
    run.report(CaseResult.of("login", TestStatus.partial, "2 of 3 browsers"));

    TestOutcome outcome = run.finish(Verdict.failed("stage 'run' exited with 1"));

    assertEquals(new TestOutcome(TestStatus.failed, 2), outcome);
    assertEquals("failed", result("").status());
  }

  @Test
  void givenAFinishedTest_whenAResultIsReported_thenItIsRefusedAndNothingIsSent() {
    TestRun run = testRun(List.of());
    run.finish(Verdict.passed("passed"));

    boolean accepted = run.report(CaseResult.of("late", TestStatus.ok, "too late"));

    assertFalse(accepted);
    assertEquals(List.of(""), results().stream().map(AgentEvent::caseName).toList());
  }

  @Test
  void givenAVeryLongCaseName_whenReported_thenItsEventKeyStaysWithinTheConsumersLimit() {
    TestRun run = testRun(List.of());
    String name = "c".repeat(CaseResult.MAX_CASE_NAME);

    run.report(CaseResult.of(name, TestStatus.ok, null));
    run.report(CaseResult.of(name, TestStatus.failed, null));

    AgentEvent event = result(name);
    assertTrue(event.key().startsWith("result/sha-256/"), event.key());
    assertTrue(event.key().length() <= 300);
    assertEquals(results().get(0).key(), event.key(), "the same case gets the same key");
  }
}
