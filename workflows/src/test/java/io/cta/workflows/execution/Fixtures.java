package io.cta.workflows.execution;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.cta.activities.RunMode;
import io.cta.activities.agent.StageSpec;
import io.cta.activities.agent.TestSpec;
import io.cta.activities.server.CompleteRequest;
import io.cta.activities.server.CompleteResult;
import io.cta.activities.server.ExecutionPlan;
import io.cta.activities.server.LoadTestsRequest;
import io.cta.activities.server.ServerActivities;
import io.cta.temporal.TaskQueues;
import io.cta.workflows.notification.NotificationWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test data of the workflow tests. */
final class Fixtures {

  static final String MACHINE = "lab-01";
  static final String EXECUTION_ID = "e1";

  private Fixtures() {}

  /**
   * The workflow test environment: the execution workflow, its lanes and its notifications, started
   * by each test.
   */
  static TestWorkflowExtension workflows() {
    return TestWorkflowExtension.newBuilder()
        .registerWorkflowImplementationTypes(
            ExecutionWorkflowImpl.class, LaneWorkflowImpl.class, NotificationWorkflowImpl.class)
        .setDoNotStart(true)
        .build();
  }

  /**
   * A server whose compose answers {@code plan}, whose loadTests hands out lanes' shares of {@code
   * suite} as the consumer does (every lanes-th test from the lane's index), and whose complete
   * records its request in {@code completions}.
   */
  static ServerActivities server(
      ExecutionPlan plan, List<TestSpec> suite, List<CompleteRequest> completions) {
    ServerActivities server = mock(ServerActivities.class, withSettings().withoutAnnotations());
    when(server.compose(any())).thenReturn(plan);
    when(server.loadTests(any()))
        .thenAnswer(
            call -> {
              LoadTestsRequest request = call.getArgument(0);
              List<TestSpec> share = new ArrayList<>();
              for (int i = request.lane() + request.from() * request.lanes();
                  i < suite.size() && share.size() < request.limit();
                  i += request.lanes()) {
                share.add(suite.get(i));
              }
              return share;
            });
    when(server.complete(any()))
        .thenAnswer(
            call -> {
              CompleteRequest request = call.getArgument(0);
              completions.add(request);
              return new CompleteResult(request.state(), null, 0, false);
            });
    return server;
  }

  static ExecutionWorkflow stub(WorkflowClient client, Worker worker) {
    return client.newWorkflowStub(
        ExecutionWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(ExecutionWorkflow.workflowId(EXECUTION_ID))
            .setTaskQueue(worker.getTaskQueue())
            .build());
  }

  static TestSpec test(String id) {
    return new TestSpec(
        id,
        id,
        "commandLine",
        List.of(),
        List.of(new StageSpec("run", "true", null, null, Map.of(), true, 60_000)));
  }

  /** A plan targeting the machine {@link #MACHINE}. */
  static ExecutionPlan plan(long pendingMs, long runningMs, String... testIds) {
    return plan(TaskQueues.machine(MACHINE), MACHINE, pendingMs, runningMs, 0, testIds);
  }

  /** A plan targeting {@link #MACHINE} that reruns a failed test up to {@code retries} times. */
  static ExecutionPlan retryingPlan(int retries, String... testIds) {
    return plan(TaskQueues.machine(MACHINE), MACHINE, 60_000, 60_000, retries, testIds);
  }

  /** A plan targeting a group: no specific machine, so a lost machine's test is re-dispatched. */
  static ExecutionPlan groupPlan(String group, String... testIds) {
    return plan(TaskQueues.group(group), null, 60_000, 60_000, 0, testIds);
  }

  /**
   * A parallel plan over the group's queue releasing at most {@code window} tests at once. Its
   * heartbeat timeout is long: test agents that do not heartbeat are not lost on a loaded machine.
   */
  static ExecutionPlan parallelPlan(
      String group, int window, List<TestSpec> tests, boolean inline) {
    return parallelPlan(group, window, tests, inline, 30_000);
  }

  static ExecutionPlan parallelPlan(
      String group, int window, List<TestSpec> tests, boolean inline, long heartbeatMs) {
    return ExecutionPlan.builder()
        .runMode(RunMode.parallel)
        .queue(TaskQueues.group(group))
        .tests(inline ? tests : List.of())
        .testCount(tests.size())
        .window(window)
        .pendingTimeoutMs(600_000)
        .runningTimeoutMs(600_000)
        .heartbeatTimeoutMs(heartbeatMs)
        .resultGraceMs(5_000)
        .maxAttempts(3)
        .build();
  }

  /**
   * A stress plan: every machine runs the whole suite from {@code plannedStartAt}; agents that do
   * not heartbeat are lost after {@code heartbeatMs}.
   */
  static ExecutionPlan stressPlan(
      List<String> machines,
      long plannedStartAt,
      long pendingMs,
      long heartbeatMs,
      String... testIds) {
    List<TestSpec> tests = java.util.Arrays.stream(testIds).map(Fixtures::test).toList();
    return ExecutionPlan.builder()
        .runMode(RunMode.stress)
        .machines(machines)
        .plannedStartAt(plannedStartAt)
        .tests(tests)
        .testCount(tests.size())
        .window(1)
        .pendingTimeoutMs(pendingMs)
        .runningTimeoutMs(60_000)
        .heartbeatTimeoutMs(heartbeatMs)
        .resultGraceMs(5_000)
        .maxAttempts(3)
        .build();
  }

  /** A plan targeting {@link #MACHINE} whose execution must first take a scenario slot. */
  static ExecutionPlan limitedPlan(long pendingMs, String... testIds) {
    ExecutionPlan plan = plan(pendingMs, 60_000, testIds);
    return plan.toBuilder()
        .plannedStartAt(0)
        .window(1)
        .retries(0)
        .priority(0)
        .concurrencyLimited(true)
        .problem(null)
        .build();
  }

  private static ExecutionPlan plan(
      String queue,
      String machine,
      long pendingMs,
      long runningMs,
      int retries,
      String... testIds) {
    List<TestSpec> tests = java.util.Arrays.stream(testIds).map(Fixtures::test).toList();
    return ExecutionPlan.builder()
        .runMode(RunMode.mono)
        .queue(queue)
        .machine(machine)
        .tests(tests)
        .testCount(tests.size())
        .window(1)
        .pendingTimeoutMs(pendingMs)
        .runningTimeoutMs(runningMs)
        .heartbeatTimeoutMs(1_000)
        .resultGraceMs(5_000)
        .maxAttempts(3)
        .retries(retries)
        .build();
  }
}
