package io.cta.workflows.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.activities.ExecutionState;
import io.cta.activities.TestStatus;
import io.cta.activities.agent.AgentActivities;
import io.cta.activities.agent.RunTestResult;
import io.cta.activities.server.CompleteRequest;
import io.cta.activities.server.ExecutionPlan;
import io.cta.activities.server.ServerActivities;
import io.cta.temporal.TaskQueues;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A machine that stops taking work between two tests of a {@code mono}/{@code group} suite:
 * drained, lost, or no longer polling.
 */
class MachineLeavesTest {

  @RegisterExtension static final TestWorkflowExtension workflows = Fixtures.workflows();

  private final List<CompleteRequest> completions = new CopyOnWriteArrayList<>();

  private ServerActivities server(ExecutionPlan plan) {
    return Fixtures.server(plan, List.of(), completions);
  }

  /** An agent answering as {@code machine} that records "test@machine#attempt". */
  private static AgentActivities agent(String machine, List<String> runs) {
    return request -> {
      runs.add(request.test().id() + "@" + machine + "#" + request.attempt());
      return new RunTestResult(request.test().id(), machine, TestStatus.ok, 1);
    };
  }

  private static ExecutionWorkflow start(TestWorkflowEnvironment env, Worker worker) {
    ExecutionWorkflow workflow = Fixtures.stub(env.getWorkflowClient(), worker);
    WorkflowClient.start(
        workflow::run, new ExecutionInput(Fixtures.EXECUTION_ID, env.currentTimeMillis()));
    return workflow;
  }

  @Test
  void givenAGroupTarget_whenTheSuiteRuns_thenTheTestsAfterTheFirstGoToItsMachine(
      TestWorkflowEnvironment env, Worker worker) {
    List<String> runs = new CopyOnWriteArrayList<>();
    env.newWorker(TaskQueues.SERVER)
        .registerActivitiesImplementations(server(Fixtures.groupPlan("g", "a", "b", "c")));
    env.newWorker(TaskQueues.group("g")).registerActivitiesImplementations(agent("m1", runs));
    env.newWorker(TaskQueues.machine("m1")).registerActivitiesImplementations(agent("m1", runs));
    env.start();

    ExecutionOutcome outcome =
        Fixtures.stub(env.getWorkflowClient(), worker)
            .run(new ExecutionInput(Fixtures.EXECUTION_ID, env.currentTimeMillis()));

    assertEquals(ExecutionState.finished, outcome.state());
    assertEquals(List.of("a@m1#1", "b@m1#1", "c@m1#1"), runs);
    assertEquals(3, completions.get(0).expectedResults());
    Histories.record(env, "execution-group-finished.json");
  }

  @Test
  void givenAGroupTarget_whenTheFirstTestEnds_thenTheNextIsDispatchedToThatMachinesQueue(
      TestWorkflowEnvironment env, Worker worker) {
    List<String> runs = new CopyOnWriteArrayList<>();
    env.newWorker(TaskQueues.SERVER)
        .registerActivitiesImplementations(server(Fixtures.groupPlan("g", "a", "b")));
    env.newWorker(TaskQueues.group("g")).registerActivitiesImplementations(agent("m1", runs));
    env.start();

    ExecutionWorkflow workflow = start(env, worker);
    awaitScheduledOn(env, TaskQueues.machine("m1"));

    assertEquals(List.of("a@m1#1"), runs);
    Histories.record(env, "execution-group-mid-suite.json");
    workflow.cancel(new CancelSignal("tester", "done"));
  }

  /** Waits (in real time, bounded) until a test is dispatched to {@code queue}. */
  private static void awaitScheduledOn(TestWorkflowEnvironment env, String queue) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      List<HistoryEvent> events =
          env.getWorkflowClient()
              .fetchHistory(ExecutionWorkflow.workflowId(Fixtures.EXECUTION_ID))
              .getEvents();
      if (events.stream()
          .anyMatch(
              e ->
                  e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
                      && e.getActivityTaskScheduledEventAttributes()
                          .getTaskQueue()
                          .getName()
                          .equals(queue))) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    assertTrue(false, "no test was dispatched to " + queue);
  }
}
