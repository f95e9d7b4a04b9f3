package io.cta.workflows.execution;

import io.cta.activities.server.ExecutionPlan;

/**
 * One lane of a large execution, and where it is when it continues as new.
 *
 * @param plan the execution's plan, without its tests (the lane loads its share page by page)
 * @param lane this lane's index: it runs every {@code lanes}-th test from it
 * @param queue where the next test goes (a mono or group lane pins it to its machine)
 * @param window the most tests released at once, or 0 to run them one after the other
 * @param notBefore the common start instant of a stress machine's first test, or 0
 * @param next index of the next test within the lane's share
 * @param before what earlier runs of this lane did
 */
public record LaneInput(
    String executionId,
    String executionWorkflowId,
    ExecutionPlan plan,
    int lane,
    int lanes,
    String queue,
    int window,
    long notBefore,
    int next,
    LaneSummary before) {

  LaneInput continueFrom(int index, String nextQueue, LaneSummary summary) {
    return new LaneInput(
        executionId,
        executionWorkflowId,
        plan,
        lane,
        lanes,
        nextQueue,
        window,
        notBefore,
        index,
        summary);
  }
}
