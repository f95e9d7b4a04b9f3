package io.cta.consumer.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.MongoServer;
import io.cta.activities.ExecutionState;
import io.cta.activities.TestStatus;
import io.cta.activities.agent.AgentActivities;
import io.cta.activities.agent.RunTestResult;
import io.cta.activities.notification.NotificationType;
import io.cta.activities.schedule.ScheduleSpec;
import io.cta.consumer.Fixtures;
import io.cta.consumer.config.ConsumerProperties;
import io.cta.server.config.CtaServerProperties;
import io.cta.server.definition.Notification;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionLifecycle;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.ResultDocument;
import io.cta.server.execution.ResultStore;
import io.cta.server.history.TestHistoryStore;
import io.cta.server.live.LiveFeedStore;
import io.cta.server.machine.MachineStore;
import io.cta.server.machine.PoolStore;
import io.cta.server.scenario.ScheduleStore;
import io.cta.server.scenario.SlotStore;
import io.cta.server.temporal.ExecutionWorkflows;
import io.cta.server.temporal.ScheduleWorkflows;
import io.cta.temporal.TaskQueues;
import io.cta.workflows.execution.ExecutionOutcome;
import io.cta.workflows.execution.ExecutionWorkflowImpl;
import io.cta.workflows.execution.LaneWorkflowImpl;
import io.cta.workflows.notification.NotificationInput;
import io.cta.workflows.notification.NotificationWorkflow;
import io.cta.workflows.schedule.ScheduleWorkflowImpl;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

class ReconcilerTest {

  private static MongoServer mongoServer;

  private TestWorkflowEnvironment env;
  private ExecutionStore executions;
  private ResultStore results;
  private ScheduleStore schedules;
  private Reconciler reconciler;

  @BeforeAll
  static void startMongo() {
    mongoServer = Fixtures.mongoServer();
  }

  @AfterAll
  static void stopMongo() {
    mongoServer.shutdownNow();
  }

  @BeforeEach
  void setUp() {
    ReactiveMongoTemplate mongo = Fixtures.mongo(mongoServer);
    executions = new ExecutionStore(mongo, new LiveFeedStore(mongo));
    results = new ResultStore(mongo);
    MachineStore machines =
        new MachineStore(
            mongo, new LiveFeedStore(mongo), new CtaServerProperties(null, null, null, null, null));
    SlotStore slots = new SlotStore(mongo);
    ConsumerProperties properties =
        new ConsumerProperties(
            Duration.ofSeconds(5),
            Duration.ofSeconds(4),
            null,
            Duration.ofSeconds(30),
            null,
            null,
            null,
            null,
            null,
            null);
    env = TestWorkflowEnvironment.newInstance();
    env.newWorker(TaskQueues.SERVER)
        .registerWorkflowImplementationTypes(
            ExecutionWorkflowImpl.class,
            LaneWorkflowImpl.class,
            ScheduleWorkflowImpl.class,
            RecordedNotifications.class);
    env.newWorker(TaskQueues.SERVER)
        .registerActivitiesImplementations(
            Fixtures.serverActivities(
                executions,
                results,
                machines,
                new PoolStore(mongo),
                slots,
                new TestHistoryStore(mongo),
                properties));
    schedules = new ScheduleStore(mongo);
    reconciler =
        new Reconciler(
            executions,
            new ExecutionLifecycle(executions),
            new ExecutionWorkflows(env.getWorkflowClient()),
            schedules,
            new ScheduleWorkflows(env.getWorkflowClient()),
            new PoolStore(mongo),
            slots,
            machines,
            properties);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  /** Which executions notified (the real deliveries are NotificationActivitiesImplTest's). */
  private static final List<String> NOTIFIED = new CopyOnWriteArrayList<>();

  public static class RecordedNotifications implements NotificationWorkflow {
    @Override
    public void run(NotificationInput input) {
      NOTIFIED.add(input.executionId());
    }
  }

  /** An agent that reports one ok result through the store, as the consumer's ingestion would. */
  private AgentActivities agent() {
    return request -> {
      results
          .appendResults(
              request.executionId(),
              List.of(
                  new ResultDocument(
                      ResultDocument.key(
                          request.executionId(), request.test().id(), "", Fixtures.MACHINE, 1),
                      request.executionId(),
                      request.test().id(),
                      "",
                      Fixtures.MACHINE,
                      1,
                      TestStatus.ok,
                      "passed",
                      null,
                      5L,
                      List.of(),
                      List.of(),
                      Map.of(),
                      Instant.now(),
                      Instant.now(),
                      false,
                      Instant.now())))
          .block();
      return new RunTestResult(request.test().id(), Fixtures.MACHINE, TestStatus.ok, 1);
    };
  }

  @Test
  void givenAPendingExecutionThatNeverGotItsWorkflow_whenReconciling_thenItIsStartedAndFinishes() {
    env.newWorker(TaskQueues.machine(Fixtures.MACHINE)).registerActivitiesImplementations(agent());
    env.start();
    ExecutionDocument execution =
        Fixtures.insert(
            executions,
            Fixtures.execution(ExecutionState.pending, Instant.now().minusSeconds(60), 600_000));

    assertEquals(1L, reconciler.reconcile().block());
    ExecutionOutcome outcome =
        env.getWorkflowClient()
            .newUntypedWorkflowStub(execution.workflowId())
            .getResult(ExecutionOutcome.class);

    assertEquals(ExecutionState.finished, outcome.state());
    ExecutionDocument stored = executions.findById(execution.id()).block();
    assertEquals(ExecutionState.finished, stored.state());
    assertEquals(1, stored.counters().ok());
    assertEquals(TestStatus.ok, stored.result());
    assertEquals(0L, reconciler.reconcile().block(), "a finished execution needs no repair");
  }

  @Test
  void givenARunningExecutionWhoseWorkflowIsGone_whenReconciling_thenItEndsErrorWithAReason() {
    env.start();
    ExecutionDocument execution =
        Fixtures.insert(
            executions,
            Fixtures.execution(ExecutionState.running, Instant.now().minusSeconds(60), 600_000));

    assertEquals(1L, reconciler.reconcile().block());

    ExecutionDocument stored = executions.findById(execution.id()).block();
    assertEquals(ExecutionState.error, stored.state());
    assertTrue(stored.reason().contains("no longer exists"), stored.reason());
    assertTrue(stored.finishedAt() != null);
  }

  @Test
  void givenAnExecutionWithNotificationsWhoseWorkflowIsGone_whenItEndsHere_thenItNotifiesOnce() {
    env.start();
    ExecutionDocument e =
        Fixtures.execution(ExecutionState.running, Instant.now().minusSeconds(60), 600_000);
    ExecutionDocument execution =
        Fixtures.insert(
            executions,
            Fixtures.withNotifications(
                e,
                List.of(
                    new Notification(
                        NotificationType.webhook,
                        "http://127.0.0.1:9/hook",
                        null,
                        null,
                        null,
                        Notification.On.notOk))));
    ExecutionDocument silent =
        Fixtures.insert(
            executions,
            Fixtures.execution(ExecutionState.running, Instant.now().minusSeconds(60), 600_000));

    assertEquals(2L, reconciler.reconcile().block());
    env.getWorkflowClient()
        .newUntypedWorkflowStub(NotificationWorkflow.workflowId(execution.id()))
        .getResult(Void.class);

    assertEquals(ExecutionState.error, executions.findById(execution.id()).block().state());
    assertTrue(NOTIFIED.contains(execution.id()), NOTIFIED.toString());
    assertFalse(NOTIFIED.contains(silent.id()), "an execution without notifications sends none");
    assertFalse(
        new ExecutionWorkflows(env.getWorkflowClient()).notify(execution.id()).block(),
        "an execution never notifies twice");
  }

  @Test
  void givenTheConsumerDiedBetweenTheTerminalWriteAndTheNotifications_whenReconciling_thenOnce() {
    env.start();
    ExecutionDocument execution =
        Fixtures.insert(
            executions,
            Fixtures.withNotifications(
                Fixtures.execution(ExecutionState.running, Instant.now().minusSeconds(60), 600_000),
                List.of(
                    new Notification(
                        NotificationType.webhook,
                        "http://127.0.0.1:9/hook",
                        null,
                        null,
                        null,
                        Notification.On.notOk))));
    // What end() writes, and then the crash: the notification workflow was never started.
    executions
        .complete(
            execution.id(),
            ExecutionState.error,
            "orchestration state was lost",
            execution.counters(),
            null,
            List.of(),
            null,
            Instant.now(),
            true)
        .block();

    assertEquals(1L, reconciler.reconcile().block());
    env.getWorkflowClient()
        .newUntypedWorkflowStub(NotificationWorkflow.workflowId(execution.id()))
        .getResult(Void.class);
    assertEquals(0L, reconciler.reconcile().block(), "the debt is paid");

    assertEquals(1, java.util.Collections.frequency(NOTIFIED, execution.id()), NOTIFIED.toString());
    assertEquals(List.of(), executions.findNotifyPending().collectList().block());
  }

  @Test
  void givenAPendingExecutionPastItsDeadline_whenReconciling_thenItEndsTimeoutInsteadOfStarting() {
    env.start();
    ExecutionDocument execution =
        Fixtures.insert(
            executions,
            Fixtures.execution(ExecutionState.pending, Instant.now().minusSeconds(120), 60_000));

    assertEquals(1L, reconciler.reconcile().block());

    ExecutionDocument stored = executions.findById(execution.id()).block();
    assertEquals(ExecutionState.timeout, stored.state());
  }

  @Test
  void givenAnExecutionYoungerThanTheGracePeriod_whenReconciling_thenItIsLeftAlone() {
    env.start();
    ExecutionDocument execution =
        Fixtures.insert(
            executions, Fixtures.execution(ExecutionState.pending, Instant.now(), 600_000));

    assertEquals(0L, reconciler.reconcile().block());

    assertEquals(ExecutionState.pending, executions.findById(execution.id()).block().state());
  }

  @Test
  void givenAStoredScheduleWhoseWorkflowWasLost_whenReconciling_thenItsWorkflowRunsAgain() {
    env.start();
    schedules
        .put("sc1", new ScheduleSpec("0 3 * * *", "UTC", null, null, 0), Instant.now())
        .block();
    ScheduleWorkflows workflows = new ScheduleWorkflows(env.getWorkflowClient());
    assertEquals(false, workflows.isRunning("sc1").block());

    assertEquals(1L, reconciler.reconcile().block());

    assertEquals(true, workflows.isRunning("sc1").block());
    assertEquals(0L, reconciler.reconcile().block(), "a running schedule is left alone");
  }

  @Test
  void givenAPauseSignalThatWasLost_whenReconciling_thenTheScheduleWorkflowIsPaused() {
    env.start();
    Instant settled = Instant.now().minusSeconds(60);
    ScheduleSpec spec = new ScheduleSpec("0 3 * * *", "UTC", null, null, 0);
    schedules.put("sc-pause", spec, settled).block();
    assertEquals(1L, reconciler.reconcile().block(), "its workflow starts unpaused");
    // The api paused it in MongoDB; its pause signal never reached the workflow.
    schedules.setPaused("sc-pause", true, settled).block();
    ScheduleWorkflows workflows = new ScheduleWorkflows(env.getWorkflowClient());
    assertFalse(workflows.state("sc-pause").block().paused());

    assertEquals(1L, reconciler.reconcile().block());

    assertTrue(workflows.state("sc-pause").block().paused());
    assertEquals(0L, reconciler.reconcile().block(), "a converged schedule is left alone");
    // And back: a lost resume is repaired too.
    schedules.setPaused("sc-pause", false, settled).block();
    assertEquals(1L, reconciler.reconcile().block());
    assertFalse(workflows.state("sc-pause").block().paused());
  }

  @Test
  void givenASpecChangeWhoseSignalWasLost_whenReconciling_thenTheWorkflowKeepsTheStoredSpec() {
    env.start();
    Instant settled = Instant.now().minusSeconds(60);
    schedules.put("sc-spec", new ScheduleSpec("0 3 * * *", "UTC", null, null, 0), settled).block();
    assertEquals(1L, reconciler.reconcile().block());
    ScheduleSpec changed = new ScheduleSpec("30 4 * * *", "Europe/Paris", null, null, 0);
    schedules.put("sc-spec", changed, settled).block();

    assertEquals(1L, reconciler.reconcile().block());

    assertEquals(
        changed, new ScheduleWorkflows(env.getWorkflowClient()).state("sc-spec").block().spec());
  }

  @Test
  void givenAScheduleChangedJustNow_whenReconciling_thenItIsLeftToTheApisSignal() {
    env.start();
    schedules
        .put(
            "sc-young",
            new ScheduleSpec("0 3 * * *", "UTC", null, null, 0),
            Instant.now().minusSeconds(60))
        .block();
    assertEquals(1L, reconciler.reconcile().block());
    schedules.setPaused("sc-young", true, Instant.now()).block();

    assertEquals(0L, reconciler.reconcile().block(), "the api may be signalling it right now");
  }
}
