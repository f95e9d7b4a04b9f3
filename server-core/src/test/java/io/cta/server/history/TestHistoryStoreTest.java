package io.cta.server.history;

import static io.cta.server.Fixtures.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.MongoServer;
import io.cta.activities.RunMode;
import io.cta.activities.TestStatus;
import io.cta.server.Fixtures;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ResultDocument;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/** The test history roll-up: what complete records, and what readers get back. */
class TestHistoryStoreTest {

  private static final String SUITE = "65f0c0ffee0000000000abcd";

  /** A test id with the characters test ids may hold that matter to keys and paths. */
  private static final String DOTTED = "login.flow:v2-x_1";

  private MongoServer mongoServer;
  private ReactiveMongoTemplate mongo;
  private TestHistoryStore history;

  @BeforeEach
  void setUp() {
    mongoServer = Fixtures.mongoServer();
    mongo = Fixtures.mongo(mongoServer);
    history = new TestHistoryStore(mongo);
  }

  @AfterEach
  void tearDown() {
    mongoServer.shutdownNow();
  }

  /** Records a finished execution in which each test had one result with these statuses. */
  private ExecutionDocument ran(
      RunMode mode, Map<String, TestStatus> statuses, String... machines) {
    ExecutionDocument execution = Fixtures.execution(mode);
    List<ResultDocument> stored = new ArrayList<>();
    for (String machine : machines.length == 0 ? new String[] {"m1"} : machines) {
      statuses.forEach(
          (test, status) ->
              stored.add(result(execution.id(), test, "", machine, 1, status, false, 1_000L)));
    }
    history.record(SUITE, execution, stored, Instant.now()).block();
    return execution;
  }

  private ExecutionDocument ran(Map<String, TestStatus> statuses) {
    return ran(RunMode.mono, statuses);
  }

  private List<Document> storedRuns(String testId) {
    Document stored = mongo.findById(SUITE + "/" + testId, Document.class, "test-history").block();
    return stored.getList("runs", Document.class);
  }

  @Test
  void givenATestThatAlternatesOkAndFailed_whenReadingItsHistory_thenItIsFlakyAndAStableOneIsNot() {
    List<String> executions = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      TestStatus alternating = i % 2 == 0 ? TestStatus.ok : TestStatus.failed;
      executions.add(ran(Map.of(DOTTED, alternating, "stable", TestStatus.ok)).id());
    }

    List<TestRun> runs = history.runs(SUITE, DOTTED, 50).block();
    Map<String, Flakiness> flakiness = history.flakiness(SUITE, List.of(DOTTED, "stable")).block();

    Collections.reverse(executions);
    assertEquals(executions, runs.stream().map(TestRun::executionId).toList(), "newest first");
    assertEquals(TestStatus.failed, runs.get(0).status());
    assertEquals(TestStatus.ok, runs.get(1).status());
    assertEquals(new Flakiness(6, 6, 5, 1.0, true), flakiness.get(DOTTED));
    assertEquals(new Flakiness(6, 6, 0, 0.0, false), flakiness.get("stable"));
  }

  @Test
  void givenOneRegression_whenReadingFlakiness_thenOneFlipIsNotFlaky() {
    for (TestStatus status :
        List.of(
            TestStatus.ok, TestStatus.ok, TestStatus.ok, TestStatus.failed, TestStatus.failed)) {
      ran(Map.of("t", status));
    }

    Flakiness flakiness = history.flakiness(SUITE, List.of("t")).block().get("t");

    assertEquals(new Flakiness(5, 5, 1, 0.25, false), flakiness);
  }

  @Test
  void givenMoreRunsThanKept_whenReadingWithALimit_thenTheNewestUpToTheLimitComeBack() {
    List<Long> numbers = new ArrayList<>();
    for (int i = 0; i < TestHistoryStore.MAX_RUNS + 5; i++) {
      numbers.add(ran(Map.of("t", TestStatus.ok)).number());
    }

    List<TestRun> three = history.runs(SUITE, "t", 3).block();
    List<TestRun> all = history.runs(SUITE, "t", TestHistoryStore.MAX_RUNS).block();

    assertEquals(
        List.of(numbers.get(204), numbers.get(203), numbers.get(202)),
        three.stream().map(TestRun::number).toList());
    assertEquals(TestHistoryStore.MAX_RUNS, all.size());
    assertEquals(TestHistoryStore.MAX_RUNS, storedRuns("t").size(), "the oldest 5 were dropped");
    assertEquals(numbers.get(5), all.get(all.size() - 1).number());
    assertEquals(List.of(), history.runs(SUITE, "never-ran", 50).block());
  }

  @Test
  void givenTheSameExecutionRecordedAgain_whenReading_thenItsRunIsStoredOnce() {
    ExecutionDocument execution = Fixtures.execution(RunMode.mono);
    List<ResultDocument> stored =
        List.of(
            result(execution.id(), DOTTED, "", "m1", 1, TestStatus.failed, false, 700L),
            result(execution.id(), DOTTED, "", "m2", 2, TestStatus.ok, false, 900L));

    history.record(SUITE, execution, stored, Instant.now()).block();
    ran(Map.of(DOTTED, TestStatus.failed)); // another execution in between
    history.record(SUITE, execution, stored, Instant.now()).block();

    assertEquals(2, storedRuns(DOTTED).size(), "nothing pushed twice");
    TestRun run = history.runs(SUITE, DOTTED, 50).block().get(1);
    assertEquals(execution.id(), run.executionId());
    assertEquals(TestStatus.ok, run.status(), "the counted status: attempt 2");
    assertEquals(2, run.attempts());
    assertEquals("m2", run.machine());
    assertEquals(900L, run.durationMs());
    assertEquals(execution.number(), run.number());
    assertEquals("sc1", run.scenarioId());
    assertEquals("nightly", run.scenarioName());
  }

  @Test
  void givenStress_whenRecorded_thenOneRunPerMachineAndOneOutcomePerExecution() {
    for (int i = 0; i < 3; i++) {
      ExecutionDocument execution = Fixtures.execution(RunMode.stress);
      history
          .record(
              SUITE,
              execution,
              List.of(
                  result(execution.id(), "t", "", "m1", 1, TestStatus.ok, false, 10L),
                  result(execution.id(), "t", "", "m2", 1, TestStatus.failed, false, 10L)),
              Instant.now())
          .block();
    }

    List<TestRun> runs = history.runs(SUITE, "t", 50).block();
    Flakiness flakiness = history.flakiness(SUITE, List.of("t")).block().get("t");

    assertEquals(6, runs.size());
    assertEquals(List.of("m2", "m1"), runs.subList(0, 2).stream().map(TestRun::machine).toList());
    assertEquals(
        new Flakiness(6, 3, 0, 0.0, false),
        flakiness,
        "failing on m2 every time is a stable outcome");
  }

  @Test
  void givenATestWithSeveralCases_whenRecorded_thenItsRunHasTheWorstStatusAndLongestDuration() {
    ExecutionDocument execution = Fixtures.execution(RunMode.mono);

    history
        .record(
            SUITE,
            execution,
            List.of(
                result(execution.id(), "junit", "a", "m1", 1, TestStatus.ok, false, 300L),
                result(execution.id(), "junit", "b", "m1", 1, TestStatus.partial, false, 200L),
                result(execution.id(), "junit", "c", "m1", 1, TestStatus.failed, true, 900L)),
            Instant.now())
        .block();

    TestRun run = history.runs(SUITE, "junit", 50).block().get(0);
    assertEquals(TestStatus.partial, run.status(), "a late result is not counted");
    assertEquals(300L, run.durationMs());
  }

  @Test
  void givenRecentDurations_whenEstimating_thenEachTestGetsTheMeanOfItsLatestRuns() {
    for (long ms : List.of(100_000L, 1_000L, 2_000L, 3_000L, 4_000L, 5_000L)) {
      ExecutionDocument execution = Fixtures.execution(RunMode.parallel);
      history
          .record(
              SUITE,
              execution,
              List.of(result(execution.id(), "t", "", "m1", 1, TestStatus.ok, false, ms)),
              Instant.now())
          .block();
    }

    Map<String, Long> estimates = history.estimates(SUITE, List.of("t", "new")).block();

    assertEquals(Map.of("t", 3_000L), estimates, "the latest 5 runs; none for a new test");
  }

  @Test
  void givenFewerThanTwoExecutions_whenScoring_thenFlakinessIsZero() {
    assertEquals(new Flakiness(0, 0, 0, 0.0, false), Flakiness.of(List.of()));
    ran(Map.of("t", TestStatus.failed));
    Flakiness one = history.flakiness(SUITE, List.of("t")).block().get("t");
    assertEquals(0.0, one.score());
    assertFalse(one.flaky());
    assertTrue(history.flakiness(SUITE, List.of("other")).block().isEmpty());
  }
}
