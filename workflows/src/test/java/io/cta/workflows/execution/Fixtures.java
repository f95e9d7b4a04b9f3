package io.cta.workflows.execution;

import io.cta.activities.RunMode;
import io.cta.activities.agent.StageSpec;
import io.cta.activities.agent.TestSpec;
import io.cta.activities.server.ExecutionPlan;
import io.cta.temporal.TaskQueues;
import java.util.List;
import java.util.Map;

/** Test data of the workflow tests. */
final class Fixtures {

  static final String MACHINE = "lab-01";
  static final String EXECUTION_ID = "e1";

  private Fixtures() {}

  static TestSpec test(String id) {
    return new TestSpec(
        id,
        id,
        "commandLine",
        List.of(),
        List.of(new StageSpec("run", "true", null, null, Map.of(), true, 60_000)));
  }

  /** A plan targeting the machine {@link #MACHINE}. */
  static ExecutionPlan plan(long pendingMs, long runningMs, String... testIds) {
    return plan(TaskQueues.machine(MACHINE), MACHINE, pendingMs, runningMs, 0, testIds);
  }

  /** A plan targeting {@link #MACHINE} that reruns a failed test up to {@code retries} times. */
  static ExecutionPlan retryingPlan(int retries, String... testIds) {
    return plan(TaskQueues.machine(MACHINE), MACHINE, 60_000, 60_000, retries, testIds);
  }

  /** A plan targeting a group: no specific machine, so a lost machine's test is re-dispatched. */
  static ExecutionPlan groupPlan(String group, String... testIds) {
    return plan(TaskQueues.group(group), null, 60_000, 60_000, 0, testIds);
  }

  private static ExecutionPlan plan(
      String queue,
      String machine,
      long pendingMs,
      long runningMs,
      int retries,
      String... testIds) {
    return new ExecutionPlan(
        RunMode.mono,
        queue,
        machine,
        java.util.Arrays.stream(testIds).map(Fixtures::test).toList(),
        pendingMs,
        runningMs,
        1_000,
        5_000,
        3,
        retries,
        0,
        null);
  }
}
