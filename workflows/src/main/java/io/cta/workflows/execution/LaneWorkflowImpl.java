package io.cta.workflows.execution;

import io.cta.activities.DispatchSizing;
import io.cta.activities.agent.StartedSignal;
import io.cta.activities.server.LoadTestsRequest;
import io.cta.activities.server.ServerActivities;
import io.cta.workflows.ServerActivityOptions;
import io.temporal.workflow.Workflow;

public class LaneWorkflowImpl implements LaneWorkflow {

  private final ServerActivities server =
      Workflow.newActivityStub(ServerActivities.class, ServerActivityOptions.DEFAULT);

  @Override
  public LaneSummary run(LaneInput input) {
    ExecutionWorkflow execution =
        Workflow.newExternalWorkflowStub(ExecutionWorkflow.class, input.executionWorkflowId());
    Lane lane =
        new Lane(
            input.executionId(),
            input.plan(),
            input.queue(),
            input.executionWorkflowId(),
            // The agent signals the start itself; this covers a signal it could not send.
            machine -> execution.started(new StartedSignal(machine)),
            input.before());
    Lane.Tests tests =
        (from, limit) ->
            server.loadTests(
                new LoadTestsRequest(
                    input.executionId(), input.lane(), input.lanes(), from, limit));
    int next =
        input.window() > 0
            ? lane.window(tests, input.next(), input.window(), this::historyFull)
            : lane.sequence(tests, input.next(), input.notBefore(), this::historyFull);
    if (next >= 0) {
      Workflow.continueAsNew(input.continueFrom(next, lane.queue(), lane.summary()));
    }
    return lane.summary();
  }

  private boolean historyFull() {
    return Workflow.getInfo().getHistoryLength() > DispatchSizing.LANE_HISTORY_LIMIT;
  }
}
