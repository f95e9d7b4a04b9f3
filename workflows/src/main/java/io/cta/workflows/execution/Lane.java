package io.cta.workflows.execution;

import io.cta.activities.DispatchSizing;
import io.cta.activities.ExecutionState;
import io.cta.activities.FailureType;
import io.cta.activities.RunMode;
import io.cta.activities.TestStatus;
import io.cta.activities.agent.AgentActivities;
import io.cta.activities.agent.RunTestRequest;
import io.cta.activities.agent.RunTestResult;
import io.cta.activities.agent.TestSpec;
import io.cta.activities.server.ExecutionPlan;
import io.cta.temporal.TaskQueues;
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
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs tests on agents, one activity per attempt: retries of failed tests and re-dispatch after a
 * machine loss (docs/design.md#re-dispatch-after-machine-loss). Workflow code: the execution
 * workflow uses it for small runs and each lane child workflow for large ones.
 *
 * <p>A sequence runs tests one after the other (mono, group, and each machine of stress); a window
 * keeps at most {@code window} tests released at once ({@code parallel}) so that the order of
 * release, longest first, is the order machines take them in.
 */
final class Lane {

  /** Extra time an agent activity may live past the running timeout; the workflow timer wins. */
  private static final Duration ACTIVITY_MARGIN = Duration.ofMinutes(1);

  /**
   * Where a lane's tests come from: {@code limit} tests from index {@code from}, or fewer at the
   * end.
   */
  interface Tests {
    List<TestSpec> page(int from, int limit);
  }

  private final String executionId;
  private final ExecutionPlan plan;
  private final String signalStartTo;
  private final Consumer<String> onFirstCompletion;
  private final boolean redispatch;
  private boolean completedOnce;
  private String queue;
  private int testsDone;
  private int expectedResults;
  private int lostTests;
  private String lostReason;
  private final List<String> lostMachines = new ArrayList<>();
  private boolean ended;
  private ExecutionState stopState;
  private String stopReason;

  /**
   * @param signalStartTo the workflow the agent tells when the lane's first test starts
   * @param onFirstCompletion called with the machine of the lane's first finished test: the start
   *     is certain by then even if the agent's signal was lost
   */
  Lane(
      String executionId,
      ExecutionPlan plan,
      String queue,
      String signalStartTo,
      Consumer<String> onFirstCompletion,
      LaneSummary before) {
    this.executionId = executionId;
    this.plan = plan;
    this.queue = queue;
    this.signalStartTo = signalStartTo;
    this.onFirstCompletion = onFirstCompletion;
    // One specific machine, or a stress machine's own part: nobody else may run its work.
    this.redispatch = plan.machine() == null && plan.runMode() != RunMode.stress;
    if (before != null) {
      testsDone = before.testsDone();
      expectedResults = before.expectedResults();
      lostTests = before.lostTests();
      lostReason = before.lostReason();
      lostMachines.addAll(before.lostMachines());
      completedOnce = before.testsDone() > 0;
    }
  }

  String queue() {
    return queue;
  }

  /** Whether the lane has no more work: it stopped the execution, or its machine was lost. */
  boolean ended() {
    return ended;
  }

  LaneSummary summary() {
    return new LaneSummary(
        testsDone, expectedResults, lostMachines, lostTests, lostReason, stopState, stopReason);
  }

  /**
   * Runs tests from {@code from} one after the other on the machine that takes the first one; the
   * first test waits for {@code notBefore}. Returns the index to go on from when {@code pause} said
   * so, or -1 once every test ran or the lane ended.
   */
  int sequence(Tests tests, int from, long notBefore, BooleanSupplier pause) {
    int index = from;
    while (true) {
      List<TestSpec> page = page(tests, index);
      for (TestSpec test : page) {
        if (pause.getAsBoolean()) {
          return index;
        }
        run(test, true, index == 0 ? notBefore : 0);
        if (ended()) {
          return -1;
        }
        index++;
      }
      if (page.size() < DispatchSizing.LANE_PAGE) {
        return -1;
      }
    }
  }

  /**
   * Releases tests from {@code from} in order, at most {@code window} at once, each to the next
   * free machine of the queue. Returns the index to go on from when {@code pause} said so (after
   * the released tests ended), or -1 once every test ran or the lane stopped.
   */
  int window(Tests tests, int from, int window, BooleanSupplier pause) {
    int[] inFlight = {0};
    List<Promise<Void>> released = new ArrayList<>();
    List<CancellationScope> scopes = new ArrayList<>();
    int index = from;
    int paused = -1;
    releasing:
    while (true) {
      List<TestSpec> page = page(tests, index);
      for (TestSpec test : page) {
        awaitUnlessCanceled(() -> inFlight[0] < window || ended());
        if (ended()) {
          break releasing;
        }
        if (pause.getAsBoolean()) {
          paused = index;
          break releasing;
        }
        inFlight[0]++;
        CancellationScope scope =
            Workflow.newCancellationScope(
                () ->
                    released.add(
                        Async.procedure(
                            () -> {
                              run(test, false, 0);
                              inFlight[0]--;
                            })));
        scope.run();
        scopes.add(scope);
        index++;
      }
      if (page.size() < DispatchSizing.LANE_PAGE) {
        break;
      }
    }
    awaitUnlessCanceled(() -> inFlight[0] == 0 || ended());
    if (ended()) {
      // Withdraw what was released: tests waiting in the queue, tests running on agents.
      scopes.forEach(CancellationScope::cancel);
    }
    // Even when the execution is canceled, wait until the agents have stopped what they ran.
    Workflow.newDetachedCancellationScope(() -> Promise.allOf(released).get()).run();
    return ended() ? -1 : paused;
  }

  /** A page of tests; a cancel (or a failure) while loading it stops the lane. */
  private List<TestSpec> page(Tests tests, int from) {
    try {
      return tests.page(from, DispatchSizing.LANE_PAGE);
    } catch (CanceledFailure canceled) {
      stop(ExecutionState.canceled, null);
    } catch (ActivityFailure failure) {
      if (failure.getCause() instanceof CanceledFailure) {
        stop(ExecutionState.canceled, null);
      } else {
        stop(ExecutionState.error, "the tests could not be loaded: " + rootMessage(failure));
      }
    }
    return List.of();
  }

  /** Awaits the condition; a cancel of the workflow stops the lane instead of unwinding it. */
  private void awaitUnlessCanceled(Supplier<Boolean> condition) {
    try {
      Workflow.await(condition);
    } catch (CanceledFailure canceled) {
      stop(ExecutionState.canceled, null);
    }
  }

  /** Runs one test to its final attempt, recording the outcome in this lane. */
  private void run(TestSpec test, boolean pin, long notBefore) {
    int attempt = 1; // every run of this test: re-dispatches and retries
    int dispatches = 1; // machines that took it; bounded by maxAttempts
    int retries = 0;
    int refusals = 0;
    String target = queue;
    while (true) {
      AgentActivities agent =
          Workflow.newActivityStub(
              AgentActivities.class, options(target, movesWhenUntaken(target)));
      try {
        RunTestResult result =
            agent.runTest(
                new RunTestRequest(
                    executionId,
                    attempt,
                    test,
                    completedOnce ? null : signalStartTo,
                    attempt == 1 ? notBefore : 0));
        if (!completedOnce) {
          completedOnce = true;
          onFirstCompletion.accept(result.machine());
        }
        expectedResults += result.resultCount();
        if (pin) {
          queue = TaskQueues.machine(result.machine());
          target = queue;
        }
        if (result.status() == TestStatus.failed && retries < plan.retries()) {
          retries++;
          attempt++;
          continue;
        }
        testsDone++;
        return;
      } catch (ActivityFailure failure) {
        if (failure.getCause() instanceof CanceledFailure) {
          stop(ExecutionState.canceled, null);
          return;
        }
        if (failure.getCause() instanceof TimeoutFailure untaken
            && untaken.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) {
          // The machine that ran the suite so far took nothing: drained, lost or no longer
          // polling. Nothing ran, but the rest of the suite moves to the shared queue as a new
          // attempt, like after a loss; the machine is not counted lost, since it may be healthy.
          queue = plan.queue();
          target = queue;
          attempt++;
          continue;
        }
        if (FailureType.AGENT_FULL.is(failure.getCause())
            && refusals++ < DispatchSizing.MAX_REFUSALS) {
          continue; // nothing ran: the same attempt goes back to the same queue
        }
        if (!(failure.getCause() instanceof TimeoutFailure timeout
            && timeout.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_HEARTBEAT)) {
          stop(
              ExecutionState.error,
              "test '" + test.id() + "' could not be run: " + rootMessage(failure));
          return;
        }
        String lost = lostMachine(timeout, target);
        if (lost != null
            && !lostMachines.contains(lost)
            && lostMachines.size() < DispatchSizing.MAX_LOST_MACHINES) {
          lostMachines.add(lost);
        }
        if (!redispatch || dispatches >= plan.maxAttempts()) {
          String reason =
              "machine lost: "
                  + (lost == null ? "the agent" : lost)
                  + " stopped heartbeating while running test '"
                  + test.id()
                  + "'"
                  + (dispatches > 1
                      ? " (machine " + dispatches + " of " + plan.maxAttempts() + ")"
                      : "");
          if (plan.runMode() == RunMode.parallel || plan.runMode() == RunMode.stress) {
            // The other tests and machines go on; the execution reports the loss at the end.
            lostTests++;
            lostReason = lostReason == null ? reason : lostReason;
            // In stress the lane is that machine's part, which ends here.
            ended = plan.runMode() == RunMode.stress;
            return;
          }
          stop(ExecutionState.timeout, reason);
          return;
        }
        // Re-dispatch to the shared queue: another eligible machine takes the test.
        queue = plan.queue();
        target = queue;
        attempt++;
        dispatches++;
      } catch (CanceledFailure canceled) {
        stop(ExecutionState.canceled, null);
        return;
      }
    }
  }

  private void stop(ExecutionState state, String reason) {
    ended = true;
    if (stopState == null) {
      stopState = state;
      stopReason = reason;
    }
  }

  /**
   * The machine that ran the lost attempt: its own queue's, or the name agents put in their
   * heartbeats (the first as soon as they take a test).
   */
  private static String lostMachine(TimeoutFailure timeout, String queue) {
    String machine = TaskQueues.machineOf(queue);
    if (machine == null && timeout.getLastHeartbeatDetails().getSize() > 0) {
      machine = timeout.getLastHeartbeatDetails().get(String.class, String.class);
    }
    return machine;
  }

  /**
   * Whether a test sent to {@code target} moves to the shared queue when its machine does not take
   * it within the heartbeat timeout: only a suite pinned to the machine that ran its earlier tests
   * on a group or selector target. A drained agent stops polling, and a lost one polls no more, so
   * without this the rest of the suite would wait on that machine's queue until the running
   * timeout.
   */
  private boolean movesWhenUntaken(String target) {
    return redispatch
        && TaskQueues.machineOf(target) != null
        && Workflow.getVersion(MOVE_UNTAKEN, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /** The change id of {@link #movesWhenUntaken}: histories recorded before it never move. */
  static final String MOVE_UNTAKEN = "move-untaken-pinned-test";

  private ActivityOptions options(String queue, boolean movesWhenUntaken) {
    ActivityOptions.Builder options = ActivityOptions.newBuilder();
    if (movesWhenUntaken) {
      // A free, polling agent takes a test within milliseconds; a full one stops polling until a
      // slot frees, so a busy machine also hands the suite on, to the group that it is part of.
      options.setScheduleToStartTimeout(Duration.ofMillis(plan.heartbeatTimeoutMs()));
    }
    return options
        .setTaskQueue(queue)
        .setStartToCloseTimeout(Duration.ofMillis(plan.runningTimeoutMs()).plus(ACTIVITY_MARGIN))
        .setHeartbeatTimeout(Duration.ofMillis(plan.heartbeatTimeoutMs()))
        .setPriority(Priority.newBuilder().setPriorityKey(priorityKey(plan.priority())).build())
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        // The lane decides about re-dispatch itself: Temporal never retries a test.
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build();
  }

  /**
   * Temporal's priority keys run from 1 (first) to 5 (last) by default; CTA's priority 0..100 maps
   * onto them, higher priority to a lower key.
   */
  static int priorityKey(int priority) {
    int clamped = Math.max(0, Math.min(100, priority));
    return 5 - Math.round(clamped * 4 / 100f);
  }

  static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }
}
