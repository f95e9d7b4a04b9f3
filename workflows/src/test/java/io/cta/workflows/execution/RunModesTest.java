package io.cta.workflows.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.verify;

import io.cta.activities.ExecutionState;
import io.cta.activities.FailureType;
import io.cta.activities.TestStatus;
import io.cta.activities.agent.AgentActivities;
import io.cta.activities.agent.RunTestRequest;
import io.cta.activities.agent.RunTestResult;
import io.cta.activities.agent.TestSpec;
import io.cta.activities.server.CompleteRequest;
import io.cta.activities.server.CompleteResult;
import io.cta.activities.server.ExecutionPlan;
import io.cta.activities.server.ServerActivities;
import io.cta.temporal.TaskQueues;
import io.temporal.activity.Activity;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The parallel and stress run modes, large runs in lanes, and scenario concurrency slots. */
class RunModesTest {

  @RegisterExtension static final TestWorkflowExtension workflows = Fixtures.workflows();

  private final List<CompleteRequest> completions = new CopyOnWriteArrayList<>();

  private ServerActivities server(ExecutionPlan plan, List<TestSpec> suite) {
    return Fixtures.server(plan, suite, completions);
  }

  private ExecutionOutcome run(
      TestWorkflowEnvironment env, Worker worker, ServerActivities server) {
    env.newWorker(TaskQueues.SERVER).registerActivitiesImplementations(server);
    env.start();
    return Fixtures.stub(env.getWorkflowClient(), worker)
        .run(new ExecutionInput(Fixtures.EXECUTION_ID, env.currentTimeMillis()));
  }

  private static List<TestSpec> suite(int size) {
    return IntStream.range(0, size).mapToObj(i -> Fixtures.test("t" + i)).toList();
  }

  private static int index(RunTestRequest request) {
    return Integer.parseInt(request.test().id().substring(1));
  }

  @Test
  void givenParallel_whenItRuns_thenTestsAreReleasedInOrderAndNeverMoreThanTheWindowAtOnce(
      TestWorkflowEnvironment env, Worker worker) {
    List<TestSpec> suite = suite(8);
    List<Integer> startOrder = new CopyOnWriteArrayList<>();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    env.newWorker(TaskQueues.group("g"))
        .registerActivitiesImplementations(
            (AgentActivities)
                request -> {
                  startOrder.add(index(request));
                  mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                  sleep(Duration.ofMillis(150));
                  running.decrementAndGet();
                  return new RunTestResult(request.test().id(), "m1", TestStatus.ok, 1);
                });

    ExecutionOutcome outcome =
        run(env, worker, server(Fixtures.parallelPlan("g", 2, suite, true), suite));

    assertEquals(ExecutionState.finished, outcome.state());
    assertEquals(8, startOrder.size());
    assertEquals(2, mostAtOnce.get(), "the window of 2 is used and never exceeded");
    for (int position = 0; position < startOrder.size(); position++) {
      assertTrue(
          startOrder.get(position) <= position + 1,
          "released in plan order (longest first), at most one ahead: " + startOrder);
    }
    assertEquals(8, completions.get(0).expectedResults());
  }

  @Test
  void givenParallel_whenAMachineDiesRunningATest_thenOnlyThatTestIsReDispatchedAndTheRestGoOn(
      TestWorkflowEnvironment env, Worker worker) {
    List<TestSpec> suite = suite(4);
    List<String> runs = new CopyOnWriteArrayList<>();
    env.newWorker(TaskQueues.group("g"))
        .registerActivitiesImplementations(
            (AgentActivities)
                request -> {
                  runs.add(request.test().id() + "#" + request.attempt());
                  if (request.test().id().equals("t1") && request.attempt() == 1) {
                    Activity.getExecutionContext().heartbeat("m1");
                    sleep(Duration.ofSeconds(10)); // m1 dies
                  }
                  return new RunTestResult(request.test().id(), "m2", TestStatus.ok, 1);
                });

    ExecutionOutcome outcome =
        run(env, worker, server(Fixtures.parallelPlan("g", 2, suite, true, 1_000), suite));

    assertEquals(ExecutionState.finished, outcome.state());
    assertTrue(runs.containsAll(List.of("t0#1", "t1#1", "t1#2", "t2#1", "t3#1")), runs.toString());
    assertEquals(5, runs.size(), runs.toString());
    assertEquals(List.of("m1"), completions.get(0).lostMachines());
    assertEquals(4, completions.get(0).expectedResults());
  }

  @Test
  void givenStress_whenItRuns_thenEveryMachineRunsTheWholeSuiteFromTheCommonInstant(
      TestWorkflowEnvironment env, Worker worker) {
    List<String> machines = List.of("m1", "m2", "m3");
    long plannedStart = 1_800_000_000_000L;
    Map<String, List<String>> ran = new ConcurrentHashMap<>();
    for (String machine : machines) {
      env.newWorker(TaskQueues.machine(machine))
          .registerActivitiesImplementations(
              (AgentActivities)
                  request -> {
                    ran.computeIfAbsent(machine, m -> new CopyOnWriteArrayList<>())
                        .add(request.test().id() + "@" + request.notBefore());
                    return new RunTestResult(request.test().id(), machine, TestStatus.ok, 1);
                  });
    }

    ExecutionOutcome outcome =
        run(
            env,
            worker,
            server(
                Fixtures.stressPlan(machines, plannedStart, 60_000, 30_000, "a", "b"), List.of()));

    assertEquals(ExecutionState.finished, outcome.state());
    for (String machine : machines) {
      assertEquals(List.of("a@" + plannedStart, "b@0"), ran.get(machine), machine);
    }
    assertEquals(6, completions.get(0).expectedResults(), "results are counted per machine");
  }

  @Test
  void givenStress_whenOneMachineNeverStarts_thenItStaysPendingAndEndsTimeoutSayingWhoStarted(
      TestWorkflowEnvironment env, Worker worker) {
    for (String machine : List.of("m1", "m2")) {
      env.newWorker(TaskQueues.machine(machine))
          .registerActivitiesImplementations(
              (AgentActivities)
                  request -> new RunTestResult(request.test().id(), machine, TestStatus.ok, 1));
    }

    ExecutionOutcome outcome =
        run(
            env,
            worker,
            server(
                Fixtures.stressPlan(List.of("m1", "m2", "m3"), 0, 2_000, 30_000, "a"), List.of()));

    assertEquals(ExecutionState.timeout, outcome.state());
    assertTrue(
        completions.get(0).reason().contains("(2 of 3 machines started)"),
        completions.get(0).reason());
    assertEquals(
        0, completions.get(0).startedAt(), "a stress execution starts with its last machine");
  }

  @Test
  void givenStress_whenOneMachineDies_thenItsPartIsLostAndTheOthersFinish(
      TestWorkflowEnvironment env, Worker worker) {
    List<String> ran = new CopyOnWriteArrayList<>();
    for (String machine : List.of("m1", "m2")) {
      env.newWorker(TaskQueues.machine(machine))
          .registerActivitiesImplementations(
              (AgentActivities)
                  request -> {
                    if (machine.equals("m2") && request.test().id().equals("b")) {
                      sleep(Duration.ofSeconds(10)); // m2 dies during its second test
                    }
                    ran.add(machine + ":" + request.test().id());
                    return new RunTestResult(request.test().id(), machine, TestStatus.ok, 1);
                  });
    }

    ExecutionOutcome outcome =
        run(
            env,
            worker,
            server(
                Fixtures.stressPlan(List.of("m1", "m2"), 0, 60_000, 1_000, "a", "b", "c"),
                List.of()));

    assertEquals(ExecutionState.finished, outcome.state());
    assertTrue(ran.containsAll(List.of("m1:a", "m1:b", "m1:c", "m2:a")), ran.toString());
    assertEquals(List.of("m2"), completions.get(0).lostMachines());
    assertTrue(
        completions.get(0).reason().startsWith("machine lost: m2"), completions.get(0).reason());
  }

  @Test
  void givenStress_whenAMachineIsLostBeforeItStarts_thenTheOthersStartItAndTheConsumerIsTold(
      TestWorkflowEnvironment env, Worker worker) {
    for (String machine : List.of("m1", "m2")) {
      env.newWorker(TaskQueues.machine(machine))
          .registerActivitiesImplementations(
              (AgentActivities)
                  request -> {
                    if (machine.equals("m2")) {
                      sleep(Duration.ofSeconds(10)); // m2 dies holding its first test
                    }
                    return new RunTestResult(request.test().id(), machine, TestStatus.ok, 1);
                  });
    }
    ServerActivities server =
        server(Fixtures.stressPlan(List.of("m1", "m2"), 0, 60_000, 1_000, "a"), List.of());

    ExecutionOutcome outcome = run(env, worker, server);
    Histories.record(env, "execution-stress-lost-before-start.json");

    assertEquals(ExecutionState.finished, outcome.state());
    assertTrue(
        completions.get(0).startedAt() > 0,
        "m2's loss no longer holds back the start (StartRule), as in the store");
    verify(server)
        .machineLost(
            argThat(
                lost ->
                    lost.executionId().equals(Fixtures.EXECUTION_ID)
                        && lost.machine().equals("m2")
                        && lost.at() == completions.get(0).startedAt()));
  }

  @Test
  void givenTenThousandTestsInParallel_whenTheyRun_thenEachRunsOnceAndNoHistoryPassesTenThousand(
      TestWorkflowEnvironment env, Worker worker) {
    List<TestSpec> suite = suite(10_000);
    Map<Integer, Integer> runs = new ConcurrentHashMap<>();
    env.newWorker(TaskQueues.group("g"))
        .registerActivitiesImplementations(
            (AgentActivities)
                request -> {
                  runs.merge(index(request), 1, Integer::sum);
                  return new RunTestResult(request.test().id(), "m1", TestStatus.ok, 1);
                });

    ExecutionOutcome outcome =
        run(env, worker, server(Fixtures.parallelPlan("g", 100, suite, false), suite));

    assertEquals(ExecutionState.finished, outcome.state());
    assertEquals(10_000, runs.size());
    assertTrue(runs.values().stream().allMatch(count -> count == 1), "each test ran once");
    assertEquals(10_000, completions.get(0).expectedResults());
    List<Integer> sizes = historySizes(env.getWorkflowClient());
    int largest = sizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
    System.out.printf(
        "10,000 tests: %d workflow runs, the largest history has %d events%n",
        sizes.size(), largest);
    assertTrue(sizes.size() > 20, "the lanes continued as new: " + sizes.size() + " runs");
    assertTrue(largest <= 10_000, "largest history: " + largest + " events");
  }

  @Test
  void givenALargeParallelRun_whenCanceled_thenItCompletesOnlyAfterEveryRunningTestStopped(
      TestWorkflowEnvironment env, Worker worker) throws Exception {
    List<TestSpec> suite = suite(1_000);
    List<String> started = new CopyOnWriteArrayList<>();
    List<String> stopped = new CopyOnWriteArrayList<>();
    env.newWorker(TaskQueues.group("g"))
        .registerActivitiesImplementations(
            (AgentActivities)
                request -> {
                  started.add(request.test().id());
                  try {
                    while (true) {
                      Activity.getExecutionContext().heartbeat(null);
                      sleep(Duration.ofMillis(100));
                    }
                  } catch (ActivityCanceledException canceled) {
                    stopped.add(request.test().id());
                    throw canceled;
                  }
                });
    ServerActivities server = server(Fixtures.parallelPlan("g", 4, suite, false), suite);
    List<Integer> stoppedAtCompletion = new CopyOnWriteArrayList<>();
    doAnswer(
            call -> {
              CompleteRequest request = call.getArgument(0);
              completions.add(request);
              stoppedAtCompletion.add(stopped.size());
              return new CompleteResult(request.state(), null, 0, false);
            })
        .when(server)
        .complete(any());
    env.newWorker(TaskQueues.SERVER).registerActivitiesImplementations(server);
    env.start();
    ExecutionWorkflow workflow = Fixtures.stub(env.getWorkflowClient(), worker);
    WorkflowClient.start(
        workflow::run, new ExecutionInput(Fixtures.EXECUTION_ID, env.currentTimeMillis()));
    while (started.size() < 4) {
      Thread.sleep(50);
    }

    workflow.cancel(new CancelSignal("tester", "enough"));
    ExecutionOutcome outcome = WorkflowStub.fromTyped(workflow).getResult(ExecutionOutcome.class);

    assertEquals(ExecutionState.canceled, outcome.state());
    assertEquals(4, started.size(), "a window of 4 over 2 lanes: nothing else was released");
    assertEquals(List.of(4), stoppedAtCompletion, "every running test stopped before completion");
  }

  /** Events in every run of the execution workflow and of its lanes, following continue-as-new. */
  private static List<Integer> historySizes(WorkflowClient client) {
    String parentId = ExecutionWorkflow.workflowId(Fixtures.EXECUTION_ID);
    WorkflowExecutionHistory parent = client.fetchHistory(parentId);
    List<Integer> sizes = new ArrayList<>(List.of(parent.getEvents().size()));
    for (HistoryEvent event : parent.getEvents()) {
      if (event.getEventType() != EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED) {
        continue;
      }
      var child = event.getChildWorkflowExecutionStartedEventAttributes().getWorkflowExecution();
      String runId = child.getRunId();
      while (runId != null) {
        List<HistoryEvent> events = client.fetchHistory(child.getWorkflowId(), runId).getEvents();
        sizes.add(events.size());
        HistoryEvent last = events.get(events.size() - 1);
        runId =
            last.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
                ? last.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId()
                : null;
      }
    }
    return sizes;
  }

  @Test
  void givenAPriority_whenTestsAreDispatched_thenEachActivityCarriesItsTemporalPriorityKey(
      TestWorkflowEnvironment env, Worker worker) {
    ExecutionPlan base = Fixtures.plan(60_000, 60_000, "a", "b");
    ExecutionPlan urgent =
        base.toBuilder()
            .plannedStartAt(0)
            .window(1)
            .retries(0)
            .priority(90)
            .concurrencyLimited(false)
            .problem(null)
            .build();
    env.newWorker(TaskQueues.machine(Fixtures.MACHINE))
        .registerActivitiesImplementations(
            (AgentActivities)
                request ->
                    new RunTestResult(request.test().id(), Fixtures.MACHINE, TestStatus.ok, 1));

    run(env, worker, server(urgent, List.of()));

    List<Integer> keys =
        env
            .getWorkflowClient()
            .fetchHistory(ExecutionWorkflow.workflowId(Fixtures.EXECUTION_ID))
            .getEvents()
            .stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
            .filter(
                e ->
                    e.getActivityTaskScheduledEventAttributes()
                        .getTaskQueue()
                        .getName()
                        .equals(TaskQueues.machine(Fixtures.MACHINE)))
            .map(e -> e.getActivityTaskScheduledEventAttributes().getPriority().getPriorityKey())
            .toList();
    assertEquals(List.of(1, 1), keys, "priority 90 dispatches with key 1, ahead of key 5");
  }

  @Test
  void givenAConcurrencyLimit_whenEverySlotIsTaken_thenItWaitsPendingAndRunsOnceOneFrees(
      TestWorkflowEnvironment env, Worker worker) {
    AtomicInteger tries = new AtomicInteger();
    ServerActivities server = server(Fixtures.limitedPlan(60_000, "a"), List.of());
    doAnswer(
            call -> {
              if (tries.incrementAndGet() < 3) {
                throw ApplicationFailure.newFailure(
                    "2 of 2 running", FailureType.SCENARIO_BUSY.type());
              }
              return null;
            })
        .when(server)
        .acquireSlot(any());
    List<String> ran = new CopyOnWriteArrayList<>();
    env.newWorker(TaskQueues.machine(Fixtures.MACHINE))
        .registerActivitiesImplementations(
            (AgentActivities)
                request -> {
                  ran.add(request.test().id() + " after " + tries.get() + " tries");
                  return new RunTestResult(request.test().id(), Fixtures.MACHINE, TestStatus.ok, 1);
                });

    ExecutionOutcome outcome = run(env, worker, server);

    assertEquals(ExecutionState.finished, outcome.state());
    assertEquals(List.of("a after 3 tries"), ran, "no test is dispatched before a slot is taken");
  }

  @Test
  void givenAConcurrencyLimit_whenNoSlotFreesInTime_thenThePendingTimeoutEndsIt(
      TestWorkflowEnvironment env, Worker worker) {
    ServerActivities server = server(Fixtures.limitedPlan(2_000, "a"), List.of());
    doAnswer(
            call -> {
              throw ApplicationFailure.newFailure(
                  "1 of 1 running", FailureType.SCENARIO_BUSY.type());
            })
        .when(server)
        .acquireSlot(any());
    List<String> ran = new CopyOnWriteArrayList<>();
    env.newWorker(TaskQueues.machine(Fixtures.MACHINE))
        .registerActivitiesImplementations(
            (AgentActivities)
                request -> {
                  ran.add(request.test().id());
                  return new RunTestResult(request.test().id(), Fixtures.MACHINE, TestStatus.ok, 1);
                });

    ExecutionOutcome outcome = run(env, worker, server);

    assertEquals(ExecutionState.timeout, outcome.state());
    assertEquals(List.of(), ran);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
