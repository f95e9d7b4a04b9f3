package io.cta.workflows;

import io.cta.workflows.execution.ExecutionWorkflowImpl;
import io.cta.workflows.execution.LaneWorkflowImpl;
import io.cta.workflows.schedule.ScheduleWorkflowImpl;
import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.Test;

/**
 * Replays recorded histories against the current workflow code: a change that is not deterministic
 * for executions already in flight fails here. Guard such changes with Workflow.getVersion.
 */
class WorkflowReplayTest {

  @Test
  void givenARecordedFinishedExecution_whenReplayed_thenTheCurrentCodeProducesTheSameCommands()
      throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/execution-finished.json", ExecutionWorkflowImpl.class);
  }

  @Test
  void givenARecordedExecutionThatStartedItsNotifications_whenReplayed_thenTheCurrentCodeMatches()
      throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/execution-notified.json", ExecutionWorkflowImpl.class);
  }

  @Test
  void givenAGroupExecutionRecordedMidSuite_whenReplayed_thenTheCurrentCodeMatches()
      throws Exception {
    // Recorded before a drained machine's tests moved on: its second test waits on the queue of
    // the machine that ran the first (MachineLeavesTest).
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/execution-group-mid-suite.json", ExecutionWorkflowImpl.class);
  }

  @Test
  void givenAFinishedGroupExecution_whenReplayed_thenTheCurrentCodeMatches() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/execution-group-finished.json", ExecutionWorkflowImpl.class);
  }

  @Test
  void givenAGroupExecutionWhoseSuiteMovedOffAMachine_whenReplayed_thenTheCurrentCodeMatches()
      throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/execution-group-moved.json", ExecutionWorkflowImpl.class);
  }

  @Test
  void givenALaneRecordedMidSuite_whenReplayed_thenTheCurrentCodeMatches() throws Exception {
    // Recorded before move-untaken-pinned-test: a large group suite's lane with its second test
    // waiting on the queue of the machine that ran the first.
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/lane-group-mid-suite.json", LaneWorkflowImpl.class);
  }

  @Test
  void givenALaneWhoseSuiteMovedOffAMachine_whenReplayed_thenTheCurrentCodeMatches()
      throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/lane-group-moved.json", LaneWorkflowImpl.class);
  }

  @Test
  void givenARecordedScheduleThatFiredThreeTimes_whenReplayed_thenTheCurrentCodeMatches()
      throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/schedule-minutely.json", ScheduleWorkflowImpl.class);
  }
}
