package io.cta.workflows.notification;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Delivers the notifications of one complete execution. The execution workflow starts it as an
 * abandoned child once the execution's terminal state is stored, so a slow or failing delivery
 * never delays or fails the execution itself.
 */
@WorkflowInterface
public interface NotificationWorkflow {

  /** One per execution, derived from its id: an execution never notifies twice. */
  static String workflowId(String executionId) {
    return "notify-" + executionId;
  }

  @WorkflowMethod
  void run(NotificationInput input);
}
