package io.cta.activities.server;

import io.cta.activities.ExecutionState;

/**
 * Record an execution's terminal state once the results it covers are stored.
 *
 * @param expectedResults results the agents announced; completion waits for them unless forced
 * @param startedAt when the workflow saw the execution start (epoch ms), or 0
 * @param finishedAt the workflow's time of the terminal state (epoch ms)
 * @param force complete even if announced results are still missing, noting them in the reason
 */
public record CompleteRequest(
    String executionId,
    ExecutionState state,
    String reason,
    int expectedResults,
    long startedAt,
    long finishedAt,
    boolean force) {

  public CompleteRequest forced() {
    return new CompleteRequest(
        executionId, state, reason, expectedResults, startedAt, finishedAt, true);
  }
}
