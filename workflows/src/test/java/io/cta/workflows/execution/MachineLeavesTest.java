package io.cta.workflows.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.activities.ExecutionState;
import io.cta.activities.FailureType;
import io.cta.activities.RunMode;
import io.cta.activities.TestStatus;
import io.cta.activities.agent.AgentActivities;
import io.cta.activities.agent.RunTestResult;
import io.cta.activities.agent.TestSpec;
import io.cta.activities.server.CompleteRequest;
import io.cta.activities.server.ExecutionPlan;
import io.cta.activities.server.ServerActivities;
import io.cta.temporal.TaskQueues;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
  void givenAGroupTarget_whenItsMachineIsLostBetweenTests_thenTheRestMovesToAnotherMemberInTime(
      TestWorkflowEnvironment env, Worker worker) {
    List<String> runs = new CopyOnWriteArrayList<>();
    List<Long> startedAt = new CopyOnWriteArrayList<>();
    ExecutionPlan plan = Fixtures.groupPlan("g", "a", "b", "c");
    env.newWorker(TaskQueues.SERVER).registerActivitiesImplementations(server(plan));
    // Both members poll the group's queue: m1 takes the first test, then is gone (no worker on
    // its own queue), and m2 takes what comes back to the group.
    env.newWorker(TaskQueues.group("g"))
        .registerActivitiesImplementations(
            (AgentActivities)
                request -> {
                  startedAt.add(env.currentTimeMillis()); // the test server's clock
                  String self = runs.isEmpty() ? "m1" : "m2";
                  return agent(self, runs).runTest(request);
                });
    env.newWorker(TaskQueues.machine("m2")).registerActivitiesImplementations(agent("m2", runs));
    env.start();

    ExecutionOutcome outcome =
        Fixtures.stub(env.getWorkflowClient(), worker)
            .run(new ExecutionInput(Fixtures.EXECUTION_ID, env.currentTimeMillis()));

    assertEquals(ExecutionState.finished, outcome.state(), String.valueOf(outcome.reason()));
    assertEquals(
        List.of("a@m1#1", "b@m2#2", "c@m2#1"),
        runs,
        "b waited on m1's queue, then went to the group as attempt 2; c followed it to m2");
    long moved = startedAt.get(1) - startedAt.get(0);
    assertTrue(
        moved <= plan.heartbeatTimeoutMs() + 10_000,
        "the suite moved " + moved + " ms after its first test, within heartbeat timeout + 10 s");
    CompleteRequest completion = completions.get(0);
    assertEquals(3, completion.expectedResults(), "a's result stays counted");
    assertEquals(List.of(), completion.lostMachines(), "a machine that ran no test is not lost");
    Histories.record(env, "execution-group-moved.json");
  }

  @Test
  void givenALargeSuiteInALane_whenItsMachineIsLostBetweenTests_thenTheRestMovesToAnotherMember(
      TestWorkflowEnvironment env, Worker worker) {
    List<String> runs = new CopyOnWriteArrayList<>();
    List<TestSpec> suite = List.of(Fixtures.test("a"), Fixtures.test("b"), Fixtures.test("c"));
    // The tests are not in the plan: a lane child workflow loads and runs them, as for a large run.
    ExecutionPlan plan =
        ExecutionPlan.builder()
            .runMode(RunMode.mono)
            .queue(TaskQueues.group("g"))
            .testCount(suite.size())
            .window(1)
            .pendingTimeoutMs(60_000)
            .runningTimeoutMs(60_000)
            .heartbeatTimeoutMs(1_000)
            .resultGraceMs(5_000)
            .maxAttempts(3)
            .build();
    env.newWorker(TaskQueues.SERVER)
        .registerActivitiesImplementations(Fixtures.server(plan, suite, completions));
    env.newWorker(TaskQueues.group("g"))
        .registerActivitiesImplementations(
            (AgentActivities)
                request -> agent(runs.isEmpty() ? "m1" : "m2", runs).runTest(request));
    env.newWorker(TaskQueues.machine("m2")).registerActivitiesImplementations(agent("m2", runs));
    env.start();

    ExecutionOutcome outcome =
        Fixtures.stub(env.getWorkflowClient(), worker)
            .run(new ExecutionInput(Fixtures.EXECUTION_ID, env.currentTimeMillis()));

    assertEquals(ExecutionState.finished, outcome.state(), String.valueOf(outcome.reason()));
    assertEquals(List.of("a@m1#1", "b@m2#2", "c@m2#1"), runs);
    assertEquals(3, completions.get(0).expectedResults());
    Histories.record(
        env,
        LaneWorkflow.workflowId(ExecutionWorkflow.workflowId(Fixtures.EXECUTION_ID), 0),
        "lane-group-moved.json");
  }

  @Test
  void givenAGroupTarget_whenItsMachineIsDrainedBetweenTests_thenItsRefusalIsNotTheEndOfTheSuite(
      TestWorkflowEnvironment env, Worker worker) {
    List<String> runs = new CopyOnWriteArrayList<>();
    env.newWorker(TaskQueues.SERVER)
        .registerActivitiesImplementations(server(Fixtures.groupPlan("g", "a", "b")));
    env.newWorker(TaskQueues.group("g"))
        .registerActivitiesImplementations(
            (AgentActivities)
                request -> agent(runs.isEmpty() ? "m1" : "m2", runs).runTest(request));
    Worker m1 = env.newWorker(TaskQueues.machine("m1"));
    // A drained agent stops polling and refuses what a poll already in flight delivers.
    m1.registerActivitiesImplementations(drainedAgent(m1, runs));
    env.newWorker(TaskQueues.machine("m2")).registerActivitiesImplementations(agent("m2", runs));
    env.start();

    ExecutionOutcome outcome =
        Fixtures.stub(env.getWorkflowClient(), worker)
            .run(new ExecutionInput(Fixtures.EXECUTION_ID, env.currentTimeMillis()));

    assertEquals(ExecutionState.finished, outcome.state(), String.valueOf(outcome.reason()));
    // Each poll the agent had in flight when it was drained may still deliver b once.
    assertEquals(List.of("a@m1#1", "b@m1 refused", "b@m2#2"), runs.stream().distinct().toList());
    assertEquals(2, completions.get(0).expectedResults());
  }

  @Test
  void givenAMachineTarget_whenItsMachineIsDrainedBetweenTests_thenTheSuiteWaitsForItsUndrain(
      TestWorkflowEnvironment env, Worker worker) {
    List<String> runs = new CopyOnWriteArrayList<>();
    List<Long> undrainedAt = new CopyOnWriteArrayList<>();
    env.newWorker(TaskQueues.SERVER)
        .registerActivitiesImplementations(server(Fixtures.plan(60_000, 60_000, "a", "b")));
    Worker machine = env.newWorker(TaskQueues.machine(Fixtures.MACHINE));
    ScheduledExecutorService operator = Executors.newSingleThreadScheduledExecutor();
    AtomicBoolean undrainScheduled = new AtomicBoolean();
    AgentActivities drained = drainedAgent(machine, runs);
    AgentActivities healthy = agent(Fixtures.MACHINE, runs);
    machine.registerActivitiesImplementations(
        (AgentActivities)
            request -> {
              if (!request.test().id().equals("b") || !undrainedAt.isEmpty()) {
                return healthy.runTest(request);
              }
              // The operator undrains the machine 3 heartbeat timeouts after its first refusal.
              if (undrainScheduled.compareAndSet(false, true)) {
                operator.schedule(
                    () -> {
                      undrainedAt.add(System.currentTimeMillis());
                      machine.resumePolling();
                    },
                    3,
                    TimeUnit.SECONDS);
              }
              return drained.runTest(request);
            });
    env.start();

    ExecutionOutcome outcome;
    try {
      outcome =
          Fixtures.stub(env.getWorkflowClient(), worker)
              .run(new ExecutionInput(Fixtures.EXECUTION_ID, env.currentTimeMillis()));
    } finally {
      operator.shutdownNow();
    }

    assertEquals(ExecutionState.finished, outcome.state(), String.valueOf(outcome.reason()));
    assertEquals(
        List.of("a@lab-01#1", "b@lab-01 refused", "b@lab-01#1"),
        runs.stream().distinct().toList(),
        "only that machine may run it: b waited for it, as the same attempt");
    assertEquals(1, undrainedAt.size());
  }

  /** An agent that has just been drained: it stops polling and refuses the test it got. */
  private static AgentActivities drainedAgent(Worker self, List<String> runs) {
    return request -> {
      self.suspendPolling();
      runs.add(request.test().id() + "@" + TaskQueues.machineOf(self.getTaskQueue()) + " refused");
      throw FailureType.AGENT_FULL.retryable("this agent is draining");
    };
  }
}
