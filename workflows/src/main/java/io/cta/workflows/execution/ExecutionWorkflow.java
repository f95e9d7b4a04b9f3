package io.cta.workflows.execution;

import io.cta.activities.agent.StartedSignal;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One run of a scenario: compose, dispatch, wait under the execution's timeouts, complete, then
 * start its notifications.
 */
@WorkflowInterface
public interface ExecutionWorkflow {

  /** The workflow id of an execution: derived from its MongoDB id, so starts are idempotent. */
  static String workflowId(String executionId) {
    return "execution-" + executionId;
  }

  @WorkflowMethod
  ExecutionOutcome run(ExecutionInput input);

  @SignalMethod
  void started(StartedSignal signal);

  @SignalMethod
  void cancel(CancelSignal signal);

  @QueryMethod
  ExecutionProgress getState();
}
