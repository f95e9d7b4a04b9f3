package io.cta.activities;

import io.temporal.failure.ApplicationFailure;

/**
 * Every type of {@link ApplicationFailure} that CTA's activities throw and its workflows branch on,
 * in one place. The {@link #type() strings} are stored in workflow histories and compared by
 * workflow code, so they never change: a new meaning gets a new constant.
 */
public enum FailureType {
  /**
   * A test an agent refused at once because all its slots were taken (a poll already in flight when
   * it became full delivered it): nothing ran, and the workflow dispatches the same attempt again.
   */
  AGENT_FULL("AgentFull"),
  /** A test stopped because its agent's drain timed out (non-retryable). */
  AGENT_DRAIN_TIMED_OUT("AgentDrainTimedOut"),
  /** The agent's thread was interrupted while it ran a test (it is shutting down). */
  INTERRUPTED("Interrupted"),
  /** A test of a type this agent has no executor for (non-retryable). */
  UNKNOWN_TEST_TYPE("UnknownTestType"),
  /**
   * An execution, its suite snapshot or one of its notifications does not exist (non-retryable).
   */
  NOT_FOUND("NotFound"),
  /** A notification could not be delivered (retryable unless the receiver refused it for good). */
  NOT_DELIVERED("NotDelivered"),
  /** Announced results are not all stored yet: {@code complete} is retried. */
  RESULTS_MISSING("ResultsMissing"),
  /** Every concurrency slot of the scenario is held by another active execution (retryable). */
  SCENARIO_BUSY("ScenarioBusy"),
  /**
   * A VM provider refused a request for good, such as a template it cannot make (non-retryable).
   */
  VM_PROVIDER_REFUSED("VmProviderRefused");

  private final String type;

  FailureType(String type) {
    this.type = type;
  }

  /** The failure type string, as Temporal records it. */
  public String type() {
    return type;
  }

  /** A failure of this type that the activity's retry policy may retry. */
  public ApplicationFailure retryable(String message) {
    return ApplicationFailure.newFailure(message, type);
  }

  /** A failure of this type that is never retried, whatever the retry policy says. */
  public ApplicationFailure nonRetryable(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, type);
  }

  /** Whether {@code failure} is an application failure of this type. */
  public boolean is(Throwable failure) {
    return failure instanceof ApplicationFailure application && type.equals(application.getType());
  }
}
