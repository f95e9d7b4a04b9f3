package io.cta.activities.server;

import io.cta.activities.RunMode;
import io.cta.activities.agent.TestSpec;
import java.util.List;

/**
 * An execution resolved against the machines: where its work goes and how long it may take.
 *
 * @param queue task queue the work is dispatched to (in {@code stress}: unused, each machine's own
 *     queue is)
 * @param machine the machine name when one specific machine is targeted, else null
 * @param machines the machines that run the whole suite in {@code stress} mode, else empty
 * @param plannedStartAt the common start instant (epoch ms) of a {@code stress} execution, else 0
 * @param tests the suite in dispatch order when it is small enough to travel in this plan; empty
 *     when {@code testCount} is larger, and lanes load their share with {@link
 *     ServerActivities#loadTests}
 * @param testCount how many tests the suite has
 * @param window how many tests of a {@code parallel} execution may wait or run at once
 * @param maxAttempts how many machines may try a test that loses its machine (re-dispatch), when
 *     the target is not one specific machine
 * @param retries how many more times a test that reports failed is run
 * @param priority 0 (default) to 100: higher is dispatched first among work waiting for machines
 * @param concurrencyLimited whether the execution must first take one of its scenario's slots
 * @param problem why the execution cannot run at all (it ends in error), or null
 */
public record ExecutionPlan(
    RunMode runMode,
    String queue,
    String machine,
    List<String> machines,
    long plannedStartAt,
    List<TestSpec> tests,
    int testCount,
    int window,
    long pendingTimeoutMs,
    long runningTimeoutMs,
    long heartbeatTimeoutMs,
    long resultGraceMs,
    int maxAttempts,
    int retries,
    int priority,
    boolean concurrencyLimited,
    String problem) {

  public ExecutionPlan {
    machines = machines == null ? List.of() : List.copyOf(machines);
    tests = tests == null ? List.of() : List.copyOf(tests);
  }

  public static ExecutionPlan impossible(String problem) {
    return new ExecutionPlan(
        null, null, null, List.of(), 0, List.of(), 0, 1, 0, 0, 0, 0, 1, 0, 0, false, problem);
  }

  /** This plan without its tests, for lanes that load their share themselves. */
  public ExecutionPlan withoutTests() {
    return new ExecutionPlan(
        runMode,
        queue,
        machine,
        machines,
        plannedStartAt,
        List.of(),
        testCount,
        window,
        pendingTimeoutMs,
        runningTimeoutMs,
        heartbeatTimeoutMs,
        resultGraceMs,
        maxAttempts,
        retries,
        priority,
        concurrencyLimited,
        problem);
  }

  /** Whether the suite travels in this plan rather than being loaded lane by lane. */
  public boolean testsInline() {
    return tests.size() >= testCount;
  }
}
