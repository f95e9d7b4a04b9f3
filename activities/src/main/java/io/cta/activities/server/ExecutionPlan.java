package io.cta.activities.server;

import io.cta.activities.RunMode;
import io.cta.activities.agent.TestSpec;
import java.util.List;

/**
 * An execution resolved against the machines: where its work goes and how long it may take.
 *
 * @param queue task queue the first test is dispatched to
 * @param machine the machine name when one specific machine is targeted, else null
 * @param maxAttempts how many machines may try a test that loses its machine (re-dispatch), when
 *     the target is not one specific machine
 * @param retries how many more times a test that reports failed is run on the same machine
 * @param priority 0 (default) to 100: higher is dispatched first among work waiting for machines
 * @param problem why the execution cannot run at all (it ends in error), or null
 */
public record ExecutionPlan(
    RunMode runMode,
    String queue,
    String machine,
    List<TestSpec> tests,
    long pendingTimeoutMs,
    long runningTimeoutMs,
    long heartbeatTimeoutMs,
    long resultGraceMs,
    int maxAttempts,
    int retries,
    int priority,
    String problem) {

  public ExecutionPlan {
    tests = tests == null ? List.of() : List.copyOf(tests);
  }

  public static ExecutionPlan impossible(String problem) {
    return new ExecutionPlan(null, null, null, List.of(), 0, 0, 0, 0, 1, 0, 0, problem);
  }
}
