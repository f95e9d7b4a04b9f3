package io.cta.activities.schedule;

/**
 * What a fire did.
 *
 * @param executionId the started execution, or the running one that caused a skip
 * @param spec the schedule as stored now; the workflow adopts it if a change signal was lost
 * @param paused whether the stored schedule is paused
 */
public record FireResult(
    Outcome outcome, String executionId, String reason, ScheduleSpec spec, boolean paused) {

  public enum Outcome {
    started,
    /** The previous execution is still pending or running. */
    skipped,
    /** The scenario or its schedule no longer exists: the schedule stops. */
    gone,
    /**
     * Nothing started: the stored schedule is paused, or its spec no longer has this fire time (a
     * change signal was lost). The workflow adopts {@code spec} and {@code paused}. Workflow code
     * from before this value switches over the others only, so it does nothing more, as intended.
     */
    notDue
  }
}
