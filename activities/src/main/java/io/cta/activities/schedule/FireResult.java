package io.cta.activities.schedule;

/**
 * What a fire did.
 *
 * @param executionId the started execution, or the running one that caused a skip
 */
public record FireResult(Outcome outcome, String executionId, String reason) {

  public enum Outcome {
    started,
    /** The previous execution is still pending or running. */
    skipped,
    /** The scenario or its schedule no longer exists: the schedule stops. */
    gone
  }
}
