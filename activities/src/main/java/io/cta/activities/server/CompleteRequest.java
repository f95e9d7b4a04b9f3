package io.cta.activities.server;

import io.cta.activities.ExecutionState;
import java.util.List;

/**
 * Record an execution's terminal state once the results it covers are stored.
 *
 * @param expectedResults results the agents announced; completion waits for them unless forced
 * @param startedAt when the workflow saw the execution start (epoch ms), or 0
 * @param finishedAt the workflow's time of the terminal state (epoch ms)
 * @param force complete even if announced results are still missing, noting them in the reason
 * @param lostMachines machines that stopped heartbeating during the execution (their part ends
 *     timeout)
 */
public record CompleteRequest(
    String executionId,
    ExecutionState state,
    String reason,
    int expectedResults,
    long startedAt,
    long finishedAt,
    boolean force,
    List<String> lostMachines) {

  public CompleteRequest {
    lostMachines = lostMachines == null ? List.of() : List.copyOf(lostMachines);
  }

  public CompleteRequest forced() {
    return new CompleteRequest(
        executionId, state, reason, expectedResults, startedAt, finishedAt, true, lostMachines);
  }
}
