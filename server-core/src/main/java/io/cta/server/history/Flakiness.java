package io.cta.server.history;

import io.cta.activities.TestStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How often a test's outcome changed from one execution to the next, over a window of its recent
 * runs. The outcome of an execution is ok when every run of the test in it was ok (in stress mode,
 * on every machine), else not ok; so a stress test that always fails on one machine is stable, not
 * flaky.
 *
 * @param runs the runs in the window
 * @param executions the distinct executions among them
 * @param flips how many times the outcome changed between consecutive executions
 * @param score {@code flips / (executions - 1)}: 0 for a stable test, 1 for one that alternates
 *     every time; 0 with fewer than two executions (rounded to 3 decimals)
 * @param flaky at least {@link #MIN_FLIPS} flips and a score of at least {@link #THRESHOLD}: a
 *     single flip is a regression or a fix, not flakiness
 */
public record Flakiness(int runs, int executions, int flips, double score, boolean flaky) {

  public static final double THRESHOLD = 0.1;
  public static final int MIN_FLIPS = 2;

  /** The flakiness of these runs, newest first. */
  public static Flakiness of(List<TestRun> newestFirst) {
    Map<String, Boolean> okByExecution = new LinkedHashMap<>();
    for (TestRun run : newestFirst) {
      okByExecution.merge(run.executionId(), run.status() == TestStatus.ok, Boolean::logicalAnd);
    }
    List<Boolean> outcomes = new ArrayList<>(okByExecution.values());
    int flips = 0;
    for (int i = 1; i < outcomes.size(); i++) {
      if (!outcomes.get(i).equals(outcomes.get(i - 1))) {
        flips++;
      }
    }
    double score =
        outcomes.size() < 2 ? 0 : Math.round(1000.0 * flips / (outcomes.size() - 1)) / 1000.0;
    return new Flakiness(
        newestFirst.size(),
        outcomes.size(),
        flips,
        score,
        flips >= MIN_FLIPS && score >= THRESHOLD);
  }
}
