package io.cta.agent;

import io.cta.activities.FailureType;
import io.cta.activities.TestStatus;
import io.cta.activities.agent.AgentActivities;
import io.cta.activities.agent.RunTestRequest;
import io.cta.activities.agent.RunTestResult;
import io.cta.activities.agent.StartedSignal;
import io.cta.activities.events.AgentEvent;
import io.cta.activities.events.HeartbeatRequest;
import io.cta.activities.events.RunningTest;
import io.cta.agent.local.LocalResultsServer;
import io.cta.agent.run.ResultFiles;
import io.cta.agent.run.TestExecutor;
import io.cta.agent.run.TestOutcome;
import io.cta.agent.run.TestRun;
import io.cta.agent.secret.SecretReferences;
import io.cta.agent.secret.SecretResolver;
import io.cta.agent.secret.Secrets;
import io.cta.testrunner.result.Verdict;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.WorkflowClient;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tests for workflows: reports their start, results and output, returns a small summary. The
 * test's type selects its executor; while it runs, its scripts may post results to the local
 * endpoint; then {@link TestRun#finish} turns its verdict and reports into results. Every heartbeat
 * names this machine, the first as soon as it takes a test, so that when it dies the workflow knows
 * which machine was lost. The secrets a test's stages reference are fetched for its attempt before
 * it starts; a test whose secret is gone ends {@code inconclusive} without running.
 */
class AgentActivitiesImpl implements AgentActivities {

  private static final Logger log = LoggerFactory.getLogger(AgentActivitiesImpl.class);
  private static final long FLUSH_MILLIS = 10_000;

  private final String machine;
  private final Path workDir;
  private final EventSender events;
  private final Map<String, TestExecutor> executors;
  private final WorkflowClient workflows;

  /** Null where tests cannot reach one (the SSH runner's machines, docs/agentless.md). */
  private final LocalResultsServer local;

  private final ResultFiles files;
  private final SecretResolver secrets;

  /** Why running tests must stop now (a drain timed out), or null while they may go on. */
  private volatile String stopReason;

  /** Tests running per execution: a parallel execution may run several here at once. */
  private final Map<String, Integer> running = new ConcurrentHashMap<>();

  /** The tests running now, by a key of their own run (the same test may run twice at once). */
  private final Map<Object, RunningTest> runningTests = new ConcurrentHashMap<>();

  /** Told when a test starts or ends, so that the next heartbeat need not wait for its interval. */
  private volatile Runnable runningChanged = () -> {};

  AgentActivitiesImpl(
      String machine,
      Path workDir,
      EventSender events,
      Map<String, TestExecutor> executors,
      WorkflowClient workflows,
      LocalResultsServer local,
      ResultFiles files,
      SecretResolver secrets) {
    this.machine = machine;
    this.secrets = secrets;
    this.files = files;
    this.local = local;
    this.workflows = workflows;
    this.workDir = workDir;
    this.events = events;
    this.executors = executors;
  }

  /**
   * Tells the workflow at once that the work started, so it switches to the running timeout. If the
   * signal is lost, the test's completion tells it too.
   */
  private void signalStarted(String workflowId) {
    try {
      workflows
          .newUntypedWorkflowStub(workflowId)
          .signal(StartedSignal.NAME, new StartedSignal(machine));
    } catch (RuntimeException e) {
      log.warn("could not signal the start to {}: {}", workflowId, e.toString());
    }
  }

  /**
   * Gives the consumer a bounded time to take this test's events, heartbeating meanwhile so that a
   * consumer restart is not mistaken for a lost machine. Best effort: completion also waits for
   * announced results, and undelivered events stay queued.
   */
  private void awaitDelivery(ActivityExecutionContext context) throws InterruptedException {
    long deadline = System.currentTimeMillis() + FLUSH_MILLIS;
    while (!events.flush(500) && System.currentTimeMillis() < deadline) {
      context.heartbeat(machine);
    }
  }

  /**
   * Waits for the common start instant of a stress execution, heartbeating so that a cancel still
   * arrives. The instant is compared with this machine's clock: keep test machines NTP-synced.
   */
  private void awaitStartInstant(ActivityExecutionContext context, long notBefore)
      throws InterruptedException {
    long wait;
    while ((wait = notBefore - System.currentTimeMillis()) > 0) {
      Thread.sleep(Math.min(wait, 200));
      context.heartbeat(machine);
    }
  }

  /**
   * Stops every running test as a cancel would (its stop command, then its process tree is killed);
   * each fails non-retryably with {@code reason}. Used when a drain times out.
   */
  void stopAll(String reason) {
    stopReason = reason;
  }

  /** A heartbeat that also ends the test when {@link #stopAll} was called. */
  private void heartbeat(ActivityExecutionContext context) {
    if (stopReason != null) {
      throw new ActivityCanceledException();
    }
    context.heartbeat(machine);
  }

  /** Executions this agent is running a test of right now (reported in heartbeats). */
  Set<String> runningExecutions() {
    return Set.copyOf(running.keySet());
  }

  /** The tests this agent runs right now, oldest first, as heartbeats report them (bounded). */
  List<RunningTest> runningTests() {
    return runningTests.values().stream()
        .sorted(Comparator.comparingLong(RunningTest::startedAt))
        .limit(HeartbeatRequest.MAX_RUNNING)
        .toList();
  }

  /** Calls {@code listener} each time a test starts or ends (the heartbeat loop's wake-up). */
  void whenRunningTestsChange(Runnable listener) {
    runningChanged = listener;
  }

  @Override
  public RunTestResult runTest(RunTestRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    TestExecutor executor = executors.get(request.test().type());
    if (executor == null) {
      throw FailureType.UNKNOWN_TEST_TYPE.nonRetryable(
          "this agent cannot run tests of type '" + request.test().type() + "'");
    }
    String executionId = request.executionId();
    Object runKey = new Object();
    running.merge(executionId, 1, Integer::sum);
    try {
      context.heartbeat(machine);
      Secrets resolved = Secrets.NONE;
      String unavailable = null;
      try {
        resolved =
            secrets.resolve(
                executionId,
                request.test().id(),
                request.attempt(),
                SecretReferences.in(request.test()),
                () -> heartbeat(context));
      } catch (SecretResolver.Unavailable e) {
        unavailable = e.getMessage();
      }
      awaitStartInstant(context, request.notBefore());
      runningTests.put(
          runKey,
          new RunningTest(
              executionId, request.test().id(), request.attempt(), System.currentTimeMillis()));
      runningChanged.run();
      events.send(
          AgentEvent.state(
              "state/" + executionId + "/" + machine + "/running",
              executionId,
              "running",
              System.currentTimeMillis()));
      log.info(
          "execution {}: running test '{}' (attempt {})",
          executionId,
          request.test().id(),
          request.attempt());
      if (request.signalStartTo() != null) {
        signalStarted(request.signalStartTo());
      }
      TestRun run =
          new TestRun(
              executionId,
              request.attempt(),
              request.test(),
              machine,
              workDir,
              events::send,
              () -> heartbeat(context),
              local == null ? null : local.url(),
              files,
              resolved);
      TestOutcome outcome;
      if (unavailable != null) {
        // Never run with an empty value in place of the secret: the test ends saying why.
        log.warn(
            "execution {}: test '{}' not run: {}", executionId, request.test().id(), unavailable);
        outcome = run.finishUnrun(new Verdict(TestStatus.inconclusive, unavailable));
      } else {
        if (local != null) {
          local.open(run);
        }
        try {
          Verdict verdict = executor.run(run);
          outcome = run.finish(verdict);
        } finally {
          if (local != null) {
            local.close(run);
          }
        }
      }
      awaitDelivery(context);
      log.info("execution {}: test '{}' {}", executionId, request.test().id(), outcome.status());
      return new RunTestResult(
          request.test().id(), machine, outcome.status(), outcome.resultCount());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw FailureType.INTERRUPTED.retryable("agent interrupted");
    } catch (ActivityCanceledException e) {
      if (stopReason != null) {
        throw FailureType.AGENT_DRAIN_TIMED_OUT.nonRetryable(stopReason);
      }
      throw e;
    } finally {
      if (runningTests.remove(runKey) != null) {
        runningChanged.run();
      }
      running.computeIfPresent(executionId, (id, count) -> count > 1 ? count - 1 : null);
    }
  }
}
