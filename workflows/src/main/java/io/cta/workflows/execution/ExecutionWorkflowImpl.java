package io.cta.workflows.execution;

import io.cta.activities.ExecutionState;
import io.cta.activities.RunMode;
import io.cta.activities.TestStatus;
import io.cta.activities.agent.AgentActivities;
import io.cta.activities.agent.RunTestRequest;
import io.cta.activities.agent.RunTestResult;
import io.cta.activities.agent.StartedSignal;
import io.cta.activities.agent.TestSpec;
import io.cta.activities.server.CompleteRequest;
import io.cta.activities.server.CompleteResult;
import io.cta.activities.server.ComposeRequest;
import io.cta.activities.server.ExecutionPlan;
import io.cta.activities.server.ServerActivities;
import io.cta.temporal.TaskQueues;
import io.cta.workflows.ServerActivityOptions;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.common.Priority;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Timeouts are execution-level (design.md section 2): the pending timeout runs from the request to
 * the start, the running timeout from the start to the end. Both are workflow timers, so they fire
 * on time whatever the agents do; withdrawing queued work is a cancellation of its scope.
 */
public class ExecutionWorkflowImpl implements ExecutionWorkflow {

  /** Extra time an agent activity may live past the running timeout; the workflow timer wins. */
  private static final Duration ACTIVITY_MARGIN = Duration.ofMinutes(1);

  private final ServerActivities server =
      Workflow.newActivityStub(ServerActivities.class, ServerActivityOptions.DEFAULT);

  private String phase = "composing";
  private boolean started;
  private long startedAt;
  private String machine;
  private int testsDone;
  private int expectedResults;
  private CancelSignal cancelRequest;
  private final List<String> lostMachines = new ArrayList<>();
  private final Map<String, Integer> retries = new HashMap<>();
  private Promise<Verdict> work;

  @Override
  public ExecutionOutcome run(ExecutionInput input) {
    ExecutionPlan plan = server.compose(new ComposeRequest(input.executionId()));
    if (plan.problem() != null) {
      return complete(input, plan, ExecutionState.error, plan.problem());
    }
    machine = plan.machine();
    phase = "pending";

    CancellationScope dispatch =
        Workflow.newCancellationScope(
            () -> work = Async.function(this::runTests, input.executionId(), plan));
    dispatch.run();

    Verdict verdict;
    try {
      verdict = awaitVerdict(input, plan);
    } catch (CanceledFailure workflowCanceled) {
      // Canceled through Temporal itself rather than the API: still stop the agents and record it.
      cancel(new CancelSignal(null, "workflow canceled in Temporal"));
      Verdict canceled = canceled();
      ExecutionOutcome[] outcome = new ExecutionOutcome[1];
      Workflow.newDetachedCancellationScope(
              () -> {
                Workflow.await(work::isCompleted);
                outcome[0] = complete(input, plan, canceled.state(), canceled.reason());
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
    return complete(input, plan, verdict.state(), verdict.reason());
  }

  private Verdict awaitVerdict(ExecutionInput input, ExecutionPlan plan) {
    long pendingDeadline = input.requestedAt() + plan.pendingTimeoutMs();
    Workflow.await(
        untilDeadline(pendingDeadline),
        () -> started || work.isCompleted() || cancelRequest != null);
    if (cancelRequest != null) {
      return canceled();
    }
    if (!started && !work.isCompleted()) {
      return pendingTimedOut(plan);
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
    markStarted();
  }

  @Override
  public void cancel(CancelSignal signal) {
    if (cancelRequest == null) {
      cancelRequest = signal;
    }
  }

  @Override
  public ExecutionProgress getState() {
    return new ExecutionProgress(phase, started, machine, testsDone);
  }

  /** Runs the suite's tests in order on the machine that takes the first one. */
  private Verdict runTests(String executionId, ExecutionPlan plan) {
    String queue = plan.queue();
    for (TestSpec test : plan.tests()) {
      int attempt = 1; // every run of this test: re-dispatches and retries
      int dispatches = 1; // machines that took it; bounded by maxAttempts
      while (true) {
        AgentActivities agent =
            Workflow.newActivityStub(AgentActivities.class, agentOptions(plan, queue));
        try {
          RunTestResult result = agent.runTest(new RunTestRequest(executionId, attempt, test));
          markStarted();
          expectedResults += result.resultCount();
          testsDone++;
          machine = result.machine();
          // mono and group: one machine runs the whole suite, the one that took the first test.
          if (plan.runMode() == RunMode.mono || plan.runMode() == RunMode.group) {
            queue = TaskQueues.machine(result.machine());
          }
          if (result.status() == TestStatus.failed && retriesUsed(test) < plan.retries()) {
            retries.merge(test.id(), 1, Integer::sum);
            attempt++;
            continue;
          }
          break;
        } catch (ActivityFailure failure) {
          if (failure.getCause() instanceof CanceledFailure) {
            return canceled();
          }
          if (!(failure.getCause() instanceof TimeoutFailure timeout
              && timeout.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_HEARTBEAT)) {
            return new Verdict(
                ExecutionState.error,
                "test '" + test.id() + "' could not be run: " + rootMessage(failure));
          }
          String lost = machine == null ? "the agent" : machine;
          if (machine != null) {
            lostMachines.add(machine);
          }
          // One specific machine targeted: nobody else may run it (design.md section 2).
          if (plan.machine() != null || dispatches >= plan.maxAttempts()) {
            return new Verdict(
                ExecutionState.timeout,
                "machine lost: "
                    + lost
                    + " stopped heartbeating while running test '"
                    + test.id()
                    + "'"
                    + (dispatches > 1
                        ? " (machine " + dispatches + " of " + plan.maxAttempts() + ")"
                        : ""));
          }
          // Re-dispatch to the shared queue: another eligible machine takes the test.
          machine = null;
          queue = plan.queue();
          attempt++;
          dispatches++;
        } catch (CanceledFailure canceled) {
          return canceled();
        }
      }
    }
    return new Verdict(ExecutionState.finished, null);
  }

  /**
   * Temporal's priority keys run from 1 (first) to 5 (last) by default; CTA's priority 0..100 maps
   * onto them, higher priority to a lower key.
   */
  static int priorityKey(int priority) {
    int clamped = Math.max(0, Math.min(100, priority));
    return 5 - Math.round(clamped * 4 / 100f);
  }

  private int retriesUsed(TestSpec test) {
    return retries.getOrDefault(test.id(), 0);
  }

  private ActivityOptions agentOptions(ExecutionPlan plan, String queue) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(queue)
        .setStartToCloseTimeout(Duration.ofMillis(plan.runningTimeoutMs()).plus(ACTIVITY_MARGIN))
        .setHeartbeatTimeout(Duration.ofMillis(plan.heartbeatTimeoutMs()))
        .setPriority(Priority.newBuilder().setPriorityKey(priorityKey(plan.priority())).build())
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        // The workflow decides about re-dispatch itself (runTests): Temporal never retries a test.
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build();
  }

  /** Stores the terminal state, first waiting up to the grace period for announced results. */
  private ExecutionOutcome complete(
      ExecutionInput input, ExecutionPlan plan, ExecutionState state, String reason) {
    phase = "completing";
    CompleteRequest request =
        new CompleteRequest(
            input.executionId(),
            state,
            reason,
            expectedResults,
            startedAt,
            Workflow.currentTimeMillis(),
            false,
            lostMachines);
    CompleteResult result;
    try {
      result = awaitResults(plan).complete(request);
    } catch (ActivityFailure stillMissing) {
      result = server.complete(request.forced());
    }
    phase = "done";
    return new ExecutionOutcome(result.state(), result.result(), reason);
  }

  private ServerActivities awaitResults(ExecutionPlan plan) {
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

  private static Verdict pendingTimedOut(ExecutionPlan plan) {
    // The consumer adds why it waited (which machines were offline, busy or missing) on completion.
    return new Verdict(
        ExecutionState.timeout,
        "not started within the pending timeout of " + seconds(plan.pendingTimeoutMs()));
  }

  private static Duration untilDeadline(long deadline) {
    return Duration.ofMillis(Math.max(0, deadline - Workflow.currentTimeMillis()));
  }

  private static String seconds(long millis) {
    return (millis % 1000 == 0 ? String.valueOf(millis / 1000) : String.valueOf(millis / 1000.0))
        + " s";
  }

  private static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }

  private record Verdict(ExecutionState state, String reason) {}
}
