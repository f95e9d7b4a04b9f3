package io.cta.workflows.vm;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One machine of a VM pool through its life (docs/vm-manager.md#timeouts): a place under the pool's
 * cap, a machine whose agent must register within the launch timeout (replaced once), and a VM
 * timeout from its creation after which it is destroyed whatever runs on it.
 */
@WorkflowInterface
public interface LeaseWorkflow {

  static String workflowId(String leaseId) {
    return "vm-lease-" + leaseId;
  }

  @WorkflowMethod
  LeaseOutcome run(LeaseInput input);

  /** The agent of {@code machine} registered (sent by the consumer when it registers). */
  @SignalMethod
  void registered(String machine);

  /** A ready (warm) machine is given to an execution. */
  @SignalMethod
  void lease(String executionId);

  /**
   * The execution is done with the machine: destroy it, or keep it ready for the pool's next
   * execution when {@code keepWarm}.
   */
  @SignalMethod
  void release(boolean keepWarm);

  /**
   * Its machine's instance is gone (found by the orphan pass, docs/vm-manager.md#orphans): the
   * lease ends failed with {@code reason}.
   */
  @SignalMethod
  void instanceGone(String reason);

  @QueryMethod
  LeaseState getState();
}
