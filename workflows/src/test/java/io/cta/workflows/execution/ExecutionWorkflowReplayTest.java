package io.cta.workflows.execution;

import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.Test;

/**
 * Replays recorded histories against the current workflow code: a change that is not deterministic
 * for executions already in flight fails here. Guard such changes with Workflow.getVersion.
 */
class ExecutionWorkflowReplayTest {

  @Test
  void givenARecordedFinishedExecution_whenReplayed_thenTheCurrentCodeProducesTheSameCommands()
      throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/execution-finished.json", ExecutionWorkflowImpl.class);
  }
}
