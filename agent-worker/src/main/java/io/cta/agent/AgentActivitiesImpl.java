package io.cta.agent;

import io.cta.activities.agent.AgentActivities;
import io.cta.activities.agent.RunTestRequest;
import io.cta.activities.agent.RunTestResult;
import io.cta.activities.agent.StartedSignal;
import io.cta.activities.events.AgentEvent;
import io.cta.agent.run.TestExecutor;
import io.cta.agent.run.TestOutcome;
import io.cta.agent.run.TestRun;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs tests for workflows: reports their start, results and output, returns a small summary. */
class AgentActivitiesImpl implements AgentActivities {

  private static final Logger log = LoggerFactory.getLogger(AgentActivitiesImpl.class);
  private static final long FLUSH_MILLIS = 10_000;

  private final String machine;
  private final Path workDir;
  private final EventSender events;
  private final Map<String, TestExecutor> executors;
  private final WorkflowClient workflows;
  private final Set<String> running = ConcurrentHashMap.newKeySet();

  AgentActivitiesImpl(
      String machine,
      Path workDir,
      EventSender events,
      Map<String, TestExecutor> executors,
      WorkflowClient workflows) {
    this.machine = machine;
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
      context.heartbeat(null);
    }
  }

  /** Executions this agent is running a test of right now (reported in heartbeats). */
  Set<String> runningExecutions() {
    return Set.copyOf(running);
  }

  @Override
  public RunTestResult runTest(RunTestRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    TestExecutor executor = executors.get(request.test().type());
    if (executor == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "this agent cannot run tests of type '" + request.test().type() + "'", "UnknownTestType");
    }
    String executionId = request.executionId();
    running.add(executionId);
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
    signalStarted(context.getInfo().getWorkflowId());
    try {
      TestOutcome outcome =
          executor.run(
              new TestRun(
                  executionId,
                  request.attempt(),
                  request.test(),
                  machine,
                  workDir,
                  events::send,
                  () -> context.heartbeat(null)));
      awaitDelivery(context);
      log.info("execution {}: test '{}' {}", executionId, request.test().id(), outcome.status());
      return new RunTestResult(
          request.test().id(), machine, outcome.status(), outcome.resultCount());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("agent interrupted", "Interrupted");
    } finally {
      running.remove(executionId);
    }
  }
}
