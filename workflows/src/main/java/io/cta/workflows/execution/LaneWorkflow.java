package io.cta.workflows.execution;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A share of a large execution's tests, run as a child of the execution workflow so that no
 * workflow run's history grows with the size of the suite: it continues as new every few hundred
 * tests and returns only a bounded summary.
 */
@WorkflowInterface
public interface LaneWorkflow {

  static String workflowId(String executionWorkflowId, int lane) {
    return executionWorkflowId + "-lane-" + lane;
  }

  @WorkflowMethod
  LaneSummary run(LaneInput input);
}
