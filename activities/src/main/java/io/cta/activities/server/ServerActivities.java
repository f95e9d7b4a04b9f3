package io.cta.activities.server;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Server-side steps of an execution, implemented by the consumer next to MongoDB. */
@ActivityInterface
public interface ServerActivities {

  /** Resolves the execution's configuration snapshot to a queue and its suite to test specs. */
  @ActivityMethod
  ExecutionPlan compose(ComposeRequest request);

  /**
   * Stores the terminal state with counters and overall result. Fails with the retryable type
   * {@link #RESULTS_MISSING} while announced results are not all stored, unless forced.
   */
  @ActivityMethod
  CompleteResult complete(CompleteRequest request);

  String RESULTS_MISSING = "ResultsMissing";
}
