package io.cta.workflows;

import io.cta.workflows.execution.ExecutionWorkflowImpl;
import io.cta.workflows.execution.LaneWorkflowImpl;
import io.cta.workflows.schedule.ScheduleWorkflowImpl;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import org.junit.jupiter.api.Test;

/**
 * Replays recorded histories against the current workflow code: a change that is not deterministic
 * for executions already in flight fails here. Guard such changes with Workflow.getVersion.
 */
class WorkflowReplayTest {

  /**
   * Replays with a generous deadlock detection: on a loaded build machine the first replay, which
   * also loads the workflow classes, can take longer than the default second without any fault.
   */
  private static void replay(String resource, Class<?> workflow) throws Exception {
    try (TestWorkflowEnvironment environment = TestWorkflowEnvironment.newInstance()) {
      Worker worker =
          environment.newWorker(
              "replay",
              WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(30_000).build());
      worker.registerWorkflowImplementationTypes(workflow);
      WorkflowReplayer.replayWorkflowExecutionFromResource(resource, worker);
    }
  }

  @Test
  void givenARecordedFinishedExecution_whenReplayed_thenTheCurrentCodeProducesTheSameCommands()
      throws Exception {
    replay("histories/execution-finished.json", ExecutionWorkflowImpl.class);
  }

  @Test
  void givenARecordedExecutionThatStartedItsNotifications_whenReplayed_thenTheCurrentCodeMatches()
      throws Exception {
    replay("histories/execution-notified.json", ExecutionWorkflowImpl.class);
  }

  @Test
  void givenAGroupExecutionRecordedMidSuite_whenReplayed_thenTheCurrentCodeMatches()
      throws Exception {
    // Recorded before a drained machine's tests moved on: its second test waits on the queue of
    // the machine that ran the first (MachineLeavesTest).
    replay("histories/execution-group-mid-suite.json", ExecutionWorkflowImpl.class);
  }

  @Test
  void givenAFinishedGroupExecution_whenReplayed_thenTheCurrentCodeMatches() throws Exception {
    replay("histories/execution-group-finished.json", ExecutionWorkflowImpl.class);
  }

  @Test
  void givenAGroupExecutionWhoseSuiteMovedOffAMachine_whenReplayed_thenTheCurrentCodeMatches()
      throws Exception {
    replay("histories/execution-group-moved.json", ExecutionWorkflowImpl.class);
  }

  @Test
  void givenAStressExecutionWithAMachineLostBeforeItStarted_whenReplayed_thenTheCurrentCodeMatches()
      throws Exception {
    // Recorded with record-stress-machine-lost-before-start: the loss is told to the consumer.
    replay("histories/execution-stress-lost-before-start.json", ExecutionWorkflowImpl.class);
  }

  @Test
  void givenALaneRecordedMidSuite_whenReplayed_thenTheCurrentCodeMatches() throws Exception {
    // Recorded before move-untaken-pinned-test: a large group suite's lane with its second test
    // waiting on the queue of the machine that ran the first.
    replay("histories/lane-group-mid-suite.json", LaneWorkflowImpl.class);
  }

  @Test
  void givenALaneWhoseSuiteMovedOffAMachine_whenReplayed_thenTheCurrentCodeMatches()
      throws Exception {
    replay("histories/lane-group-moved.json", LaneWorkflowImpl.class);
  }

  @Test
  void givenARecordedScheduleThatFiredThreeTimes_whenReplayed_thenTheCurrentCodeMatches()
      throws Exception {
    replay("histories/schedule-minutely.json", ScheduleWorkflowImpl.class);
  }

  @Test
  void givenASchedulePausedInItsFirstTask_whenReplayed_thenTheCurrentCodeMatches()
      throws Exception {
    // Recorded after keep-signals-before-run: the pause came with the start and was kept.
    replay("histories/schedule-paused-at-start.json", ScheduleWorkflowImpl.class);
  }
}
