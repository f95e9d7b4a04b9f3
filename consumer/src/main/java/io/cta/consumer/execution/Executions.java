package io.cta.consumer.execution;

import io.cta.activities.FailureType;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;

/** The stored execution an activity works on; a missing one is a non-retryable failure. */
final class Executions {

  private Executions() {}

  static ExecutionDocument require(ExecutionStore executions, String id) {
    ExecutionDocument execution = executions.findById(id).block();
    if (execution == null) {
      throw FailureType.NOT_FOUND.nonRetryable("execution " + id + " does not exist");
    }
    return execution;
  }
}
