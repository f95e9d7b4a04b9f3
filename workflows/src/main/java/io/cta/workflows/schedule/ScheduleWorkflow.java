package io.cta.workflows.schedule;

import io.cta.activities.schedule.ScheduleSpec;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One long-lived workflow per scheduled scenario: it sleeps until the next fire time and starts the
 * scenario. Temporal runs at most one workflow per id, so a schedule fires once however many
 * consumers run.
 */
@WorkflowInterface
public interface ScheduleWorkflow {

  static String workflowId(String scenarioId) {
    return "schedule-" + scenarioId;
  }

  @WorkflowMethod
  void run(ScheduleInput input);

  /** Replaces the schedule; fire times are computed afresh from now. */
  @SignalMethod
  void update(ScheduleSpec spec);

  @SignalMethod
  void pause();

  @SignalMethod
  void resume();

  /** Fires once now, whatever the schedule says (the overlap policy still applies). */
  @SignalMethod
  void trigger();

  /** Ends the schedule (it was deleted). */
  @SignalMethod
  void stop();

  @QueryMethod
  ScheduleState getState();
}
