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

  static ExecutionPlan plan(long pendingMs, long runningMs, String... testIds) {
    return new ExecutionPlan(
        RunMode.mono,
        TaskQueues.machine(MACHINE),
        MACHINE,
        java.util.Arrays.stream(testIds).map(Fixtures::test).toList(),
        pendingMs,
        runningMs,
        1_000,
        5_000,
        null);
  }
}
