package io.cta.workflows.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.cta.activities.ExecutionState;
import io.cta.activities.FailureType;
import io.cta.activities.TestStatus;
import io.cta.activities.agent.AgentActivities;
import io.cta.activities.agent.RunTestResult;
import io.cta.activities.agent.StartedSignal;
import io.cta.activities.notification.DeliveryFailure;
import io.cta.activities.notification.DeliveryRequest;
import io.cta.activities.notification.NotificationActivities;
import io.cta.activities.notification.NotificationType;
import io.cta.activities.server.CompleteRequest;
import io.cta.activities.server.CompleteResult;
import io.cta.activities.server.ExecutionPlan;
import io.cta.activities.server.ServerActivities;
import io.cta.temporal.TaskQueues;
import io.cta.workflows.notification.NotificationWorkflow;
import io.temporal.activity.Activity;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ExecutionWorkflowTest {

  @RegisterExtension static final TestWorkflowExtension workflows = Fixtures.workflows();

  private final List<CompleteRequest> completions = new CopyOnWriteArrayList<>();

  /** A server whose compose answers {@code plan} and whose complete records its request. */
  private ServerActivities server(ExecutionPlan plan) {
    return Fixtures.server(plan, List.of(), completions);
  }

  private ExecutionOutcome run(
      TestWorkflowEnvironment env, Worker worker, ServerActivities server, AgentActivities agent) {
    env.newWorker(TaskQueues.SERVER).registerActivitiesImplementations(server);
    if (agent != null) {
      env.newWorker(TaskQueues.machine(Fixtures.MACHINE)).registerActivitiesImplementations(agent);
    }
    env.start();
    ExecutionWorkflow workflow = Fixtures.stub(env.getWorkflowClient(), worker);
    return workflow.run(new ExecutionInput(Fixtures.EXECUTION_ID, env.currentTimeMillis()));
  }

  @Test
  void givenAnAgentOnTheMachine_whenTheExecutionRuns_thenEveryTestRunsInOrderAndItFinishes(
      TestWorkflowEnvironment env, Worker worker) {
    List<String> ran = new CopyOnWriteArrayList<>();
    AgentActivities agent =
        request -> {
          ran.add(request.test().id());
          TestStatus status = request.test().id().equals("b") ? TestStatus.failed : TestStatus.ok;
          return new RunTestResult(request.test().id(), Fixtures.MACHINE, status, 1);
        };

    ExecutionOutcome outcome =
        run(env, worker, server(Fixtures.plan(60_000, 60_000, "a", "b", "c")), agent);

    assertEquals(ExecutionState.finished, outcome.state());
    assertEquals(List.of("a", "b", "c"), ran);
    CompleteRequest completion = completions.get(0);
    assertEquals(ExecutionState.finished, completion.state());
    assertEquals(3, completion.expectedResults());
    assertTrue(completion.startedAt() > 0, "the start time is recorded");
    recordHistory(env, "execution-finished.json");
  }

  @Test
  void givenAWebhookThatAlwaysFails_whenTheExecutionCompletes_thenItEndsAtOnceAndTheWebhookGivesUp(
      TestWorkflowEnvironment env, Worker worker) {
    ServerActivities server = mock(ServerActivities.class, withSettings().withoutAnnotations());
    when(server.compose(any())).thenReturn(Fixtures.plan(60_000, 60_000, "a"));
    when(server.complete(any()))
        .thenAnswer(
            call -> {
              CompleteRequest request = call.getArgument(0);
              return new CompleteResult(request.state(), TestStatus.failed, 0, true);
            });
    List<Long> webhookAttempts = new CopyOnWriteArrayList<>();
    List<DeliveryRequest> delivered = new CopyOnWriteArrayList<>();
    List<DeliveryFailure> abandoned = new CopyOnWriteArrayList<>();
    NotificationActivities notifications =
        new NotificationActivities() {
          @Override
          public List<DeliveryRequest> due(String executionId) {
            return List.of(
                new DeliveryRequest(executionId, 0, NotificationType.webhook),
                new DeliveryRequest(executionId, 1, NotificationType.email));
          }

          @Override
          public void deliver(DeliveryRequest request) {
            if (request.type() == NotificationType.webhook) {
              webhookAttempts.add(env.currentTimeMillis());
              throw ApplicationFailure.newFailure("the receiver answered HTTP 500", "NotDelivered");
            }
            delivered.add(request);
          }

          @Override
          public void giveUp(DeliveryFailure failure) {
            abandoned.add(failure);
          }
        };
    env.newWorker(TaskQueues.SERVER).registerActivitiesImplementations(server, notifications);
    env.newWorker(TaskQueues.machine(Fixtures.MACHINE))
        .registerActivitiesImplementations(
            (AgentActivities)
                request ->
                    new RunTestResult(request.test().id(), Fixtures.MACHINE, TestStatus.failed, 1));
    env.start();

    ExecutionOutcome outcome =
        Fixtures.stub(env.getWorkflowClient(), worker)
            .run(new ExecutionInput(Fixtures.EXECUTION_ID, env.currentTimeMillis()));

    assertEquals(ExecutionState.finished, outcome.state());
    assertTrue(webhookAttempts.size() <= 1, "the execution ended without waiting for retries");
    env.getWorkflowClient()
        .newUntypedWorkflowStub(NotificationWorkflow.workflowId(Fixtures.EXECUTION_ID))
        .getResult(Void.class);
    assertEquals(5, webhookAttempts.size(), "bounded attempts");
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < webhookAttempts.size(); i++) {
      gaps.add((webhookAttempts.get(i) - webhookAttempts.get(i - 1) + 500) / 1000);
    }
    assertEquals(List.of(10L, 20L, 40L, 80L), gaps, "seconds between attempts: backoff");
    assertEquals(1, abandoned.size());
    assertEquals(0, abandoned.get(0).index());
    assertEquals("the receiver answered HTTP 500", abandoned.get(0).reason());
    assertEquals(1, delivered.size(), "the email went out whatever the webhook did");
    recordHistory(env, "execution-notified.json");
  }

  /**
   * Refreshes a replay fixture when run with {@code -Dcta.recordHistories=true}; do so only for a
   * deliberate, versioned change of the workflow (ExecutionWorkflowReplayTest).
   */
  private static void recordHistory(TestWorkflowEnvironment env, String file) {
    if (Boolean.getBoolean("cta.recordHistories")) {
      String json =
          env.getWorkflowClient()
              .fetchHistory(ExecutionWorkflow.workflowId(Fixtures.EXECUTION_ID))
              .toJson(true);
      try {
        java.nio.file.Files.writeString(
            java.nio.file.Path.of("src/test/resources/histories", file), json);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  @Test
  void givenNoAgentPolls_whenThePendingTimeoutPasses_thenItEndsTimeoutWithinOneSecond(
      TestWorkflowEnvironment env, Worker worker) {
    long requestedAt = env.currentTimeMillis();

    ExecutionOutcome outcome = run(env, worker, server(Fixtures.plan(2_000, 60_000, "a")), null);

    assertEquals(ExecutionState.timeout, outcome.state());
    CompleteRequest completion = completions.get(0);
    assertTrue(completion.reason().contains("not started within the pending timeout of 2 s"));
    long late = completion.finishedAt() - (requestedAt + 2_000);
    assertTrue(late >= 0 && late <= 1_000, "ended " + late + " ms after the deadline");
    assertEquals(0, completion.startedAt());
    assertTrue(
        env
            .getWorkflowClient()
            .fetchHistory(ExecutionWorkflow.workflowId(Fixtures.EXECUTION_ID))
            .getEvents()
            .stream()
            .anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED),
        "the queued test was withdrawn, so no agent can start it later");
  }

  @Test
  void givenATestThatOutlivesTheRunningTimeout_whenItExpires_thenTheAgentIsCanceledAndItEndsTimeout(
      TestWorkflowEnvironment env, Worker worker) {
    List<String> canceled = new CopyOnWriteArrayList<>();
    AgentActivities agent =
        request -> {
          env.getWorkflowClient()
              .newUntypedWorkflowStub(ExecutionWorkflow.workflowId(Fixtures.EXECUTION_ID))
              .signal(StartedSignal.NAME, new StartedSignal(Fixtures.MACHINE));
          try {
            while (true) {
              Activity.getExecutionContext().heartbeat(null);
              Thread.sleep(50);
            }
          } catch (io.temporal.client.ActivityCompletionException e) {
            canceled.add(request.test().id());
            throw e;
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        };

    ExecutionOutcome outcome = run(env, worker, server(Fixtures.plan(60_000, 3_000, "a")), agent);

    assertEquals(ExecutionState.timeout, outcome.state());
    assertEquals("running timeout of 3 s exceeded", completions.get(0).reason());
    assertEquals(List.of("a"), canceled);
  }

  @Test
  void givenAPendingExecution_whenAUserCancelsIt_thenItEndsCanceledWithWhoAndWhy(
      TestWorkflowEnvironment env, Worker worker) {
    env.newWorker(TaskQueues.SERVER)
        .registerActivitiesImplementations(server(Fixtures.plan(600_000, 60_000, "a")));
    env.start();
    ExecutionWorkflow workflow = Fixtures.stub(env.getWorkflowClient(), worker);
    WorkflowClient.start(
        workflow::run, new ExecutionInput(Fixtures.EXECUTION_ID, env.currentTimeMillis()));

    workflow.cancel(new CancelSignal("alice", "wrong build"));
    ExecutionOutcome outcome =
        env.getWorkflowClient()
            .newUntypedWorkflowStub(ExecutionWorkflow.workflowId(Fixtures.EXECUTION_ID))
            .getResult(ExecutionOutcome.class);

    assertEquals(ExecutionState.canceled, outcome.state());
    assertEquals("canceled by alice: wrong build", completions.get(0).reason());
  }

  @Test
  void givenAnAgentThatDies_whenItsHeartbeatsStop_thenItEndsTimeoutMachineLost(
      TestWorkflowEnvironment env, Worker worker) {
    AgentActivities silentAgent =
        request -> {
          try {
            Thread.sleep(Duration.ofMinutes(5).toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return new RunTestResult(request.test().id(), Fixtures.MACHINE, TestStatus.ok, 1);
        };

    ExecutionOutcome outcome =
        run(env, worker, server(Fixtures.plan(60_000, 60_000, "a")), silentAgent);

    assertEquals(ExecutionState.timeout, outcome.state());
    assertTrue(
        completions.get(0).reason().startsWith("machine lost: lab-01"),
        completions.get(0).reason());
  }

  @Test
  void givenAGroupTarget_whenTheMachineRunningATestDies_thenTheTestIsReDispatchedToAnother(
      TestWorkflowEnvironment env, Worker worker) {
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    AgentActivities groupMember =
        request -> {
          attempts.add(request.attempt());
          String self = request.attempt() == 1 ? "m1" : "m2";
          env.getWorkflowClient()
              .newUntypedWorkflowStub(ExecutionWorkflow.workflowId(Fixtures.EXECUTION_ID))
              .signal(StartedSignal.NAME, new StartedSignal(self));
          if (request.attempt() == 1) {
            Activity.getExecutionContext().heartbeat(self); // as agents do when they take a test
            sleepQuietly(Duration.ofSeconds(10)); // m1 dies: no more heartbeats, no answer
          }
          return new RunTestResult(request.test().id(), self, TestStatus.ok, 1);
        };
    env.newWorker(TaskQueues.group("g")).registerActivitiesImplementations(groupMember);
    env.newWorker(TaskQueues.machine("m2"))
        .registerActivitiesImplementations(
            (AgentActivities)
                request -> {
                  attempts.add(100 + request.attempt());
                  return new RunTestResult(request.test().id(), "m2", TestStatus.ok, 1);
                });

    ExecutionOutcome outcome = run(env, worker, server(Fixtures.groupPlan("g", "a", "b")), null);

    assertEquals(ExecutionState.finished, outcome.state());
    assertEquals(
        List.of(1, 2, 101), attempts, "a on m1 (lost), a again on m2, then b pinned to m2");
    assertEquals(List.of("m1"), completions.get(0).lostMachines());
  }

  @Test
  void givenAGroupTarget_whenEveryAttemptLosesItsMachine_thenItEndsMachineLostAfterTheLimit(
      TestWorkflowEnvironment env, Worker worker) {
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    env.newWorker(TaskQueues.group("g"))
        .registerActivitiesImplementations(
            (AgentActivities)
                request -> {
                  attempts.add(request.attempt());
                  sleepQuietly(Duration.ofSeconds(10));
                  return null;
                });

    ExecutionOutcome outcome = run(env, worker, server(Fixtures.groupPlan("g", "a")), null);

    assertEquals(ExecutionState.timeout, outcome.state());
    assertEquals(List.of(1, 2, 3), attempts);
    assertTrue(
        completions.get(0).reason().contains("(machine 3 of 3)"), completions.get(0).reason());
  }

  @Test
  void givenRetries_whenATestFailsThenPasses_thenItRunsAgainOnTheSameMachineAndFinishes(
      TestWorkflowEnvironment env, Worker worker) {
    List<String> runs = new CopyOnWriteArrayList<>();
    AgentActivities agent =
        request -> {
          runs.add(request.test().id() + "#" + request.attempt());
          TestStatus status =
              request.test().id().equals("flaky") && request.attempt() == 1
                  ? TestStatus.failed
                  : TestStatus.ok;
          return new RunTestResult(request.test().id(), Fixtures.MACHINE, status, 1);
        };

    ExecutionOutcome outcome =
        run(env, worker, server(Fixtures.retryingPlan(2, "flaky", "steady")), agent);

    assertEquals(ExecutionState.finished, outcome.state());
    assertEquals(List.of("flaky#1", "flaky#2", "steady#1"), runs);
    assertEquals(3, completions.get(0).expectedResults(), "every attempt's result is awaited");
  }

  @Test
  void givenRetries_whenATestKeepsFailing_thenItRunsOnePlusRetriesTimes(
      TestWorkflowEnvironment env, Worker worker) {
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    AgentActivities agent =
        request -> {
          attempts.add(request.attempt());
          return new RunTestResult(request.test().id(), Fixtures.MACHINE, TestStatus.failed, 1);
        };

    run(env, worker, server(Fixtures.retryingPlan(2, "broken")), agent);

    assertEquals(List.of(1, 2, 3), attempts);
  }

  @Test
  void givenPriorities_whenMapped_thenHigherPriorityGetsALowerTemporalKeyWithinOneToFive() {
    assertEquals(5, Lane.priorityKey(0));
    assertEquals(3, Lane.priorityKey(50));
    assertEquals(1, Lane.priorityKey(100));
    assertEquals(1, Lane.priorityKey(1_000));
    assertEquals(5, Lane.priorityKey(-7));
  }

  private static void sleepQuietly(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void givenAnnouncedResultsThatNeverArrive_whenTheGracePeriodEnds_thenCompletionIsForced(
      TestWorkflowEnvironment env, Worker worker) {
    ServerActivities server = mock(ServerActivities.class, withSettings().withoutAnnotations());
    when(server.compose(any())).thenReturn(Fixtures.plan(60_000, 60_000, "a"));
    when(server.complete(any()))
        .thenAnswer(
            call -> {
              CompleteRequest request = call.getArgument(0);
              completions.add(request);
              if (!request.force()) {
                throw ApplicationFailure.newFailure(
                    "1 of 1 missing", FailureType.RESULTS_MISSING.type());
              }
              return new CompleteResult(request.state(), null, 1, false);
            });
    AgentActivities agent =
        request -> new RunTestResult(request.test().id(), Fixtures.MACHINE, TestStatus.ok, 1);

    ExecutionOutcome outcome = run(env, worker, server, agent);

    assertEquals(ExecutionState.finished, outcome.state());
    assertTrue(completions.size() >= 3, "completion was retried during the grace period");
    assertTrue(completions.get(completions.size() - 1).force());
  }
}
