package io.cta.workflows.execution;

import io.cta.activities.DispatchSizing;
import io.cta.activities.ExecutionState;
import io.cta.activities.RunMode;
import io.cta.activities.StartRule;
import io.cta.activities.agent.StartedSignal;
import io.cta.activities.server.CompleteRequest;
import io.cta.activities.server.CompleteResult;
import io.cta.activities.server.ComposeRequest;
import io.cta.activities.server.ExecutionPlan;
import io.cta.activities.server.MachineLostRequest;
import io.cta.activities.server.ServerActivities;
import io.cta.temporal.TaskQueues;
import io.cta.workflows.ServerActivityOptions;
import io.cta.workflows.notification.NotificationInput;
import io.cta.workflows.notification.NotificationWorkflow;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Timeouts are execution-level (docs/design.md#timeouts): the pending timeout runs from the request
 * to the start, the running timeout from the start to the end. Both are workflow timers, so they
 * fire on time whatever the agents do; withdrawing queued work is a cancellation of its scope.
 *
 * <p>Small runs dispatch their tests from this workflow; large ones from lane child workflows (see
 * {@link LaneWorkflow}), so that no workflow run's history grows with the suite.
 */
public class ExecutionWorkflowImpl implements ExecutionWorkflow {

  private final ServerActivities server =
      Workflow.newActivityStub(ServerActivities.class, ServerActivityOptions.DEFAULT);

  private String executionId;
  private ExecutionPlan plan;
  private String phase = "composing";
  private boolean started;
  private long startedAt;
  private String machine;
  private final Set<String> startedMachines = new HashSet<>();

  /** Stress machines whose part ended (ran or lost): they no longer hold back the start. */
  private final Set<String> endedParts = new HashSet<>();

  private CancelSignal cancelRequest;
  private final List<Lane> inlineLanes = new ArrayList<>();
  private LaneSummary done = LaneSummary.EMPTY;
  private Promise<Verdict> work;

  @Override
  public ExecutionOutcome run(ExecutionInput input) {
    executionId = input.executionId();
    plan = server.compose(new ComposeRequest(input.executionId()));
    if (plan.problem() != null) {
      return complete(input, ExecutionState.error, plan.problem());
    }
    machine = plan.machine();
    phase = "pending";

    CancellationScope dispatch =
        Workflow.newCancellationScope(
            () -> work = Async.function(this::runWork, input.executionId()));
    dispatch.run();

    Verdict verdict;
    try {
      verdict = awaitVerdict(input);
    } catch (CanceledFailure workflowCanceled) {
      // Canceled through Temporal itself rather than the API: still stop the agents and record it.
      cancel(new CancelSignal(null, "workflow canceled in Temporal"));
      Verdict canceled = canceled();
      ExecutionOutcome[] outcome = new ExecutionOutcome[1];
      Workflow.newDetachedCancellationScope(
              () -> {
                Workflow.await(work::isCompleted);
                outcome[0] = complete(input, canceled.state(), canceled.reason());
              })
          .run();
      return outcome[0];
    }
    if (!work.isCompleted()) {
      phase = "stopping";
      dispatch.cancel();
      // Waits for the agents to run their stop commands; a lost agent is bounded by its heartbeat.
      Workflow.await(work::isCompleted);
    }
    return complete(input, verdict.state(), verdict.reason());
  }

  private Verdict awaitVerdict(ExecutionInput input) {
    long pendingDeadline = input.requestedAt() + plan.pendingTimeoutMs();
    Workflow.await(
        untilDeadline(pendingDeadline),
        () -> started || work.isCompleted() || cancelRequest != null);
    if (cancelRequest != null) {
      return canceled();
    }
    if (!started && !work.isCompleted()) {
      return pendingTimedOut();
    }
    markStarted();
    phase = "running";
    long runningDeadline = startedAt + plan.runningTimeoutMs();
    Workflow.await(
        untilDeadline(runningDeadline), () -> work.isCompleted() || cancelRequest != null);
    if (work.isCompleted()) {
      return work.get();
    }
    if (cancelRequest != null) {
      return canceled();
    }
    return new Verdict(
        ExecutionState.timeout,
        "running timeout of " + seconds(plan.runningTimeoutMs()) + " exceeded");
  }

  @Override
  public void started(StartedSignal signal) {
    if (machine == null) {
      machine = signal.machine();
    }
    machineStarted(signal.machine());
  }

  @Override
  public void cancel(CancelSignal signal) {
    if (cancelRequest == null) {
      cancelRequest = signal;
    }
  }

  @Override
  public ExecutionProgress getState() {
    int testsDone = done.testsDone();
    for (Lane lane : inlineLanes) {
      testsDone += lane.summary().testsDone();
    }
    return new ExecutionProgress(phase, started, machine, testsDone);
  }

  /** Takes a concurrency slot if the scenario has a limit, then runs every test. */
  private Verdict runWork(String executionId) {
    if (plan.concurrencyLimited()) {
      try {
        slots().acquireSlot(executionId);
      } catch (ActivityFailure | CanceledFailure withdrawn) {
        return canceled();
      }
    }
    List<LaneSummary> summaries =
        plan.testsInline() ? runInline(executionId) : runLanes(executionId);
    for (LaneSummary summary : summaries) {
      done = done.plus(summary);
    }
    inlineLanes.clear();
    return verdictOf(done);
  }

  private List<LaneSummary> runInline(String executionId) {
    String workflowId = Workflow.getInfo().getWorkflowId();
    Lane.Tests tests =
        (from, limit) -> plan.tests().subList(from, Math.min(plan.testCount(), from + limit));
    if (plan.runMode() == RunMode.stress) {
      List<Promise<LaneSummary>> parts = new ArrayList<>();
      for (String target : plan.machines()) {
        Lane lane =
            new Lane(
                executionId,
                plan,
                TaskQueues.machine(target),
                workflowId,
                this::machineStarted,
                null);
        inlineLanes.add(lane);
        parts.add(
            Async.function(
                () -> {
                  lane.sequence(tests, 0, plan.plannedStartAt(), () -> false);
                  partEnded(target, lane.summary().lostMachines().contains(target));
                  return lane.summary();
                }));
      }
      return parts.stream().map(Promise::get).toList();
    }
    Lane lane = new Lane(executionId, plan, plan.queue(), workflowId, this::machineStarted, null);
    inlineLanes.add(lane);
    if (plan.runMode() == RunMode.parallel) {
      lane.window(tests, 0, plan.window(), () -> false);
    } else {
      lane.sequence(tests, 0, 0, () -> false);
    }
    return List.of(lane.summary());
  }

  /** Large runs: one child lane per machine (stress), per share of the tests (parallel), or one. */
  private List<LaneSummary> runLanes(String executionId) {
    String workflowId = Workflow.getInfo().getWorkflowId();
    ExecutionPlan lanePlan = plan.withoutTests();
    List<LaneInput> inputs = new ArrayList<>();
    if (plan.runMode() == RunMode.stress) {
      for (String target : plan.machines()) {
        inputs.add(
            LaneInput.builder()
                .executionId(executionId)
                .executionWorkflowId(workflowId)
                .plan(lanePlan)
                .lane(0)
                .lanes(1)
                .queue(TaskQueues.machine(target))
                .notBefore(plan.plannedStartAt())
                .build());
      }
    } else if (plan.runMode() == RunMode.parallel) {
      int lanes = (plan.testCount() + DispatchSizing.LANE_TESTS - 1) / DispatchSizing.LANE_TESTS;
      int window = Math.max(1, (plan.window() + lanes - 1) / lanes);
      for (int lane = 0; lane < lanes; lane++) {
        inputs.add(
            LaneInput.builder()
                .executionId(executionId)
                .executionWorkflowId(workflowId)
                .plan(lanePlan)
                .lane(lane)
                .lanes(lanes)
                .queue(plan.queue())
                .window(window)
                .build());
      }
    } else {
      inputs.add(
          LaneInput.builder()
              .executionId(executionId)
              .executionWorkflowId(workflowId)
              .plan(lanePlan)
              .lane(0)
              .lanes(1)
              .queue(plan.queue())
              .build());
    }
    List<Promise<LaneSummary>> running = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      LaneWorkflow lane =
          Workflow.newChildWorkflowStub(
              LaneWorkflow.class,
              ChildWorkflowOptions.newBuilder()
                  .setWorkflowId(LaneWorkflow.workflowId(workflowId, i))
                  .build());
      running.add(Async.function(lane::run, inputs.get(i)));
    }
    List<LaneSummary> summaries = new ArrayList<>();
    for (int i = 0; i < running.size(); i++) {
      LaneSummary summary = laneResult(running.get(i));
      summaries.add(summary);
      if (plan.runMode() == RunMode.stress) {
        String target = plan.machines().get(i);
        partEnded(target, summary.lostMachines().contains(target));
      }
    }
    return summaries;
  }

  private static LaneSummary laneResult(Promise<LaneSummary> lane) {
    try {
      return lane.get();
    } catch (ChildWorkflowFailure failure) {
      if (failure.getCause() instanceof CanceledFailure) {
        return new LaneSummary(0, 0, List.of(), 0, null, ExecutionState.canceled, null);
      }
      return new LaneSummary(
          0,
          0,
          List.of(),
          0,
          null,
          ExecutionState.error,
          "a lane failed: " + Lane.rootMessage(failure));
    } catch (CanceledFailure canceled) {
      return new LaneSummary(0, 0, List.of(), 0, null, ExecutionState.canceled, null);
    }
  }

  private Verdict verdictOf(LaneSummary summary) {
    if (summary.stopState() == ExecutionState.canceled) {
      return canceled();
    }
    if (summary.stopState() != null) {
      return new Verdict(summary.stopState(), summary.stopReason());
    }
    if (summary.lostTests() == 0) {
      return new Verdict(ExecutionState.finished, null);
    }
    if (plan.runMode() == RunMode.stress) {
      // A lost machine's part ends timeout; the execution too only if every machine was lost.
      boolean allLost = summary.lostTests() >= plan.machines().size();
      return new Verdict(
          allLost ? ExecutionState.timeout : ExecutionState.finished,
          summary.lostReason()
              + (allLost
                  ? ""
                  : "; "
                      + summary.lostTests()
                      + " of "
                      + plan.machines().size()
                      + " machines lost"));
    }
    return new Verdict(
        ExecutionState.timeout,
        summary.lostTests()
            + " test(s) lost their machine on every attempt; first: "
            + summary.lostReason());
  }

  private void machineStarted(String name) {
    startedMachines.add(name);
    decideStart();
  }

  /**
   * A stress machine's part ended, ran or lost: either way it no longer holds back the start. A
   * machine lost before it started is recorded in MongoDB too, so that the stored execution starts
   * by the same rule (behind a version: histories recorded before it call no activity here).
   */
  private void partEnded(String name, boolean lost) {
    boolean lostBeforeStart = lost && phase.equals("pending") && !startedMachines.contains(name);
    endedParts.add(name);
    decideStart();
    if (lostBeforeStart
        && Workflow.getVersion(RECORD_LOST_BEFORE_START, Workflow.DEFAULT_VERSION, 1) >= 1) {
      try {
        server.machineLost(new MachineLostRequest(executionId, name, Workflow.currentTimeMillis()));
      } catch (ActivityFailure | CanceledFailure stopped) {
        // Canceled meanwhile: complete marks the machine lost anyway.
      }
    }
  }

  /** The change id of recording a stress machine lost before it started. */
  static final String RECORD_LOST_BEFORE_START = "record-stress-machine-lost-before-start";

  /** {@link StartRule}, over the machines seen starting and the stress parts that ended. */
  private void decideStart() {
    if (!phase.equals("pending")) {
      return; // too late: the pending timeout or a cancel already decided
    }
    int started =
        plan.runMode() == RunMode.stress
            ? (int) plan.machines().stream().filter(startedMachines::contains).count()
            : startedMachines.size();
    int lost =
        (int)
            plan.machines().stream()
                .filter(m -> endedParts.contains(m) && !startedMachines.contains(m))
                .count();
    if (StartRule.started(plan.runMode(), plan.machines().size(), started, lost)) {
      markStarted();
    }
  }

  private ServerActivities slots() {
    return Workflow.newActivityStub(
        ServerActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.SERVER)
            .setStartToCloseTimeout(Duration.ofSeconds(30))
            // Bounded by the pending timeout, whose timer withdraws the wait.
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofSeconds(1))
                    .setBackoffCoefficient(1.5)
                    .setMaximumInterval(Duration.ofSeconds(5))
                    .build())
            .build());
  }

  /** Stores the terminal state, first waiting up to the grace period for announced results. */
  private ExecutionOutcome complete(ExecutionInput input, ExecutionState state, String reason) {
    phase = "completing";
    CompleteRequest request =
        new CompleteRequest(
            input.executionId(),
            state,
            reason,
            done.expectedResults(),
            startedAt,
            Workflow.currentTimeMillis(),
            false,
            done.lostMachines());
    CompleteResult result;
    try {
      result = awaitResults().complete(request);
    } catch (ActivityFailure stillMissing) {
      result = server.complete(request.forced());
    }
    if (result.hasNotifications()
        && Workflow.getVersion("notifications", Workflow.DEFAULT_VERSION, 1) >= 1) {
      startNotifications(input.executionId());
    }
    phase = "done";
    return new ExecutionOutcome(result.state(), result.result(), reason);
  }

  /**
   * Starts the execution's notifications as a child that outlives this workflow: deliveries and
   * their retries neither delay the execution's end nor fail it. Waits only for the child's start.
   */
  private static void startNotifications(String executionId) {
    NotificationWorkflow notifications =
        Workflow.newChildWorkflowStub(
            NotificationWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(NotificationWorkflow.workflowId(executionId))
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                .build());
    Async.procedure(notifications::run, new NotificationInput(executionId));
    try {
      Workflow.getWorkflowExecution(notifications).get();
    } catch (ChildWorkflowFailure alreadyStarted) {
      // Its notifications already started: an execution never notifies twice.
    }
  }

  private ServerActivities awaitResults() {
    Duration grace = Duration.ofMillis(Math.max(plan.resultGraceMs(), 1000));
    return Workflow.newActivityStub(
        ServerActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.SERVER)
            .setScheduleToCloseTimeout(grace)
            .setStartToCloseTimeout(Duration.ofSeconds(30))
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofMillis(200))
                    .setBackoffCoefficient(1.5)
                    .setMaximumInterval(Duration.ofSeconds(5))
                    .build())
            .build());
  }

  private void markStarted() {
    if (!started) {
      started = true;
      startedAt = Workflow.currentTimeMillis();
    }
  }

  private Verdict canceled() {
    String by =
        cancelRequest == null || cancelRequest.by() == null ? "" : " by " + cancelRequest.by();
    String why =
        cancelRequest == null || cancelRequest.reason() == null || cancelRequest.reason().isBlank()
            ? ""
            : ": " + cancelRequest.reason();
    return new Verdict(ExecutionState.canceled, "canceled" + by + why);
  }

  private Verdict pendingTimedOut() {
    // The consumer adds why it waited (which machines were offline, busy or missing) on completion.
    Set<String> seen = new HashSet<>(startedMachines);
    seen.addAll(endedParts);
    String notStarted =
        plan.runMode() == RunMode.stress && !seen.isEmpty()
            ? " (" + seen.size() + " of " + plan.machines().size() + " machines started)"
            : "";
    return new Verdict(
        ExecutionState.timeout,
        "not started within the pending timeout of "
            + seconds(plan.pendingTimeoutMs())
            + notStarted);
  }

  private static Duration untilDeadline(long deadline) {
    return Duration.ofMillis(Math.max(0, deadline - Workflow.currentTimeMillis()));
  }

  private static String seconds(long millis) {
    return (millis % 1000 == 0 ? String.valueOf(millis / 1000) : String.valueOf(millis / 1000.0))
        + " s";
  }

  private record Verdict(ExecutionState state, String reason) {}
}
