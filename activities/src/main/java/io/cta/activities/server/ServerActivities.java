package io.cta.activities.server;

import io.cta.activities.agent.TestSpec;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** Server-side steps of an execution, implemented by the consumer next to MongoDB. */
@ActivityInterface
public interface ServerActivities {

  /** Resolves the execution's configuration snapshot to queues and its suite to test specs. */
  @ActivityMethod
  ExecutionPlan compose(ComposeRequest request);

  /** One page of a lane's tests, for suites too large to travel in the plan. */
  @ActivityMethod
  List<TestSpec> loadTests(LoadTestsRequest request);

  /**
   * Takes one of the scenario's concurrency slots for the execution (idempotent). Fails with the
   * retryable type {@link io.cta.activities.FailureType#SCENARIO_BUSY} while every slot is held by
   * another active execution.
   */
  @ActivityMethod
  void acquireSlot(String executionId);

  /**
   * Records that a stress machine was lost before it started, so that the stored execution starts
   * without it, as the workflow does (idempotent).
   */
  @ActivityMethod
  void machineLost(MachineLostRequest request);

  /**
   * Stores the terminal state with counters and overall result, and frees the execution's slot.
   * Fails with the retryable type {@link io.cta.activities.FailureType#RESULTS_MISSING} while
   * announced results are not all stored, unless forced.
   */
  @ActivityMethod
  CompleteResult complete(CompleteRequest request);
}
