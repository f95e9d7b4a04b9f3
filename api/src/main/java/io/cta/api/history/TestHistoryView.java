package io.cta.api.history;

import io.cta.activities.TestStatus;
import io.cta.server.history.Flakiness;
import io.cta.server.history.TestRun;
import java.time.Instant;
import java.util.List;

/**
 * A test's recent runs across executions and how flaky they make it (docs/results.md).
 *
 * @param runs newest first, at most {@code limit}
 * @param executions the distinct executions among the runs (in stress mode an execution has a run
 *     per machine)
 * @param flips how many times the outcome (ok, or not ok) changed between consecutive executions
 * @param flakiness {@code flips / (executions - 1)}, from 0 (stable) to 1 (alternates every time)
 * @param flaky at least 2 flips and a flakiness of at least 0.1
 */
public record TestHistoryView(
    String suiteId,
    String testId,
    int limit,
    List<Run> runs,
    int executions,
    int flips,
    double flakiness,
    boolean flaky) {

  /**
   * One run of the test: in one execution (in stress mode, on one machine).
   *
   * @param number the execution's number within its scenario
   * @param status the final status (the counted one; the worst of its cases for a test whose report
   *     yields several)
   * @param attempts the highest attempt: more than 1 after retries or re-dispatches
   */
  public record Run(
      String executionId,
      long number,
      String scenarioId,
      String scenarioName,
      TestStatus status,
      Long durationMs,
      String machine,
      int attempts,
      Instant finishedAt) {

    static Run of(TestRun run) {
      return new Run(
          run.executionId(),
          run.number(),
          run.scenarioId(),
          run.scenarioName(),
          run.status(),
          run.durationMs(),
          run.machine(),
          run.attempts(),
          run.finishedAt());
    }
  }

  static TestHistoryView of(String suiteId, String testId, int limit, List<TestRun> runs) {
    Flakiness flakiness = Flakiness.of(runs);
    return new TestHistoryView(
        suiteId,
        testId,
        limit,
        runs.stream().map(Run::of).toList(),
        flakiness.executions(),
        flakiness.flips(),
        flakiness.score(),
        flakiness.flaky());
  }
}
