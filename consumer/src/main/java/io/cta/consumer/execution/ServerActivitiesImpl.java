package io.cta.consumer.execution;

import io.cta.activities.ExecutionState;
import io.cta.activities.RunMode;
import io.cta.activities.TestStatus;
import io.cta.activities.agent.StageSpec;
import io.cta.activities.agent.TestSpec;
import io.cta.activities.server.CompleteRequest;
import io.cta.activities.server.CompleteResult;
import io.cta.activities.server.ComposeRequest;
import io.cta.activities.server.ExecutionPlan;
import io.cta.activities.server.ServerActivities;
import io.cta.consumer.config.ConsumerProperties;
import io.cta.server.definition.StageDefinition;
import io.cta.server.definition.Target;
import io.cta.server.definition.TestDefinition;
import io.cta.server.execution.Counters;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.MachineRun;
import io.cta.server.execution.ResultDocument;
import io.cta.server.execution.ResultStore;
import io.cta.server.machine.MachineDocument;
import io.cta.server.machine.MachineStore;
import io.cta.server.machine.Selector;
import io.cta.temporal.TaskQueues;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The workflow's steps that touch MongoDB. Activities run on Temporal's worker threads, so blocking
 * on the reactive driver here never blocks an event loop.
 */
@Component
public class ServerActivitiesImpl implements ServerActivities {

  private final ExecutionStore executions;
  private final ResultStore results;
  private final MachineStore machines;
  private final ConsumerProperties properties;

  public ServerActivitiesImpl(
      ExecutionStore executions,
      ResultStore results,
      MachineStore machines,
      ConsumerProperties properties) {
    this.executions = executions;
    this.results = results;
    this.machines = machines;
    this.properties = properties;
  }

  @Override
  public ExecutionPlan compose(ComposeRequest request) {
    ExecutionDocument execution = executions.findById(request.executionId()).block();
    if (execution == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "execution " + request.executionId() + " does not exist", "NotFound");
    }
    Target target = execution.configuration().target();
    String queue;
    String machineName = null;
    if (target.machine() != null) {
      MachineDocument machine = machines.findByNameOrId(target.machine()).block();
      machineName = machine == null ? target.machine() : machine.name();
      if (!TaskQueues.isValidName(machineName)) {
        return ExecutionPlan.impossible("invalid machine name '" + machineName + "'");
      }
      queue = TaskQueues.machine(machineName);
      executions
          .setMachines(
              execution.id(),
              List.of(
                  new MachineRun(machine == null ? null : machine.id(), machineName, "pending")))
          .block();
    } else if (target.group() != null) {
      queue = TaskQueues.group(target.group());
      List<MachineDocument> members = machines.inGroup(target.group()).collectList().block();
      executions
          .setMachines(
              execution.id(),
              members.stream().map(m -> new MachineRun(m.id(), m.name(), "pending")).toList())
          .block();
    } else {
      queue = poolFor(execution, Selector.parse(target.selector()));
    }
    List<TestSpec> tests =
        execution.suite().tests().stream().map(ServerActivitiesImpl::spec).toList();
    return new ExecutionPlan(
        execution.configuration().runMode(),
        queue,
        machineName,
        tests,
        execution.pendingTimeout(),
        execution.runningTimeout(),
        properties.agentHeartbeatTimeout().toMillis(),
        properties.resultGrace().toMillis(),
        properties.maxDispatchAttempts(),
        execution.retries(),
        execution.priority(),
        null);
  }

  /**
   * A selector's execution gets a pool queue of its own that exactly the matching machines poll
   * (they learn it from their next heartbeat) until the execution completes.
   */
  private String poolFor(ExecutionDocument execution, Selector selector) {
    String queue = TaskQueues.pool(execution.id());
    List<MachineDocument> matching = machines.matching(selector).collectList().block();
    machines.joinPool(matching.stream().map(MachineDocument::name).toList(), queue).block();
    executions
        .setMachines(
            execution.id(),
            matching.stream().map(m -> new MachineRun(m.id(), m.name(), "pending")).toList())
        .block();
    return queue;
  }

  @Override
  public CompleteResult complete(CompleteRequest request) {
    ExecutionDocument execution = executions.findById(request.executionId()).block();
    if (execution == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "execution " + request.executionId() + " does not exist", "NotFound");
    }
    machines.leavePool(TaskQueues.pool(execution.id())).block();
    if (execution.state().isTerminal()) {
      return new CompleteResult(execution.state(), execution.result(), 0);
    }
    List<ResultDocument> stored = results.results(execution.id()).collectList().block();
    int missing = Math.max(0, request.expectedResults() - stored.size());
    if (missing > 0 && !request.force()) {
      throw ApplicationFailure.newFailure(
          missing + " of " + request.expectedResults() + " announced results are not stored yet",
          RESULTS_MISSING);
    }
    Counters counters = count(stored, execution.configuration().runMode() == RunMode.stress);
    String reason = request.reason();
    if (request.state() == ExecutionState.timeout
        && execution.startedAt() == null
        && request.startedAt() == 0) {
      String waiting =
          machines.explainWaiting(execution.configuration().target(), Instant.now()).block();
      reason = waiting == null ? reason : reason + ": " + waiting;
    }
    if (missing > 0) {
      reason =
          (reason == null ? "" : reason + "; ")
              + missing
              + " announced results never arrived within the grace period";
    }
    String machineState = machineState(request.state());
    List<MachineRun> machineRuns =
        execution.machines() == null
            ? List.of()
            : execution.machines().stream()
                .map(
                    m ->
                        request.lostMachines().contains(m.name())
                            ? new MachineRun(m.machineId(), m.name(), "timeout")
                            : m.state().equals("running")
                                ? new MachineRun(m.machineId(), m.name(), machineState)
                                // Targeted but never ran (another member took the work): acked.
                                : m.state().equals("pending")
                                    ? new MachineRun(m.machineId(), m.name(), "acked")
                                    : m)
                .toList();
    Instant startedAt =
        execution.startedAt() == null && request.startedAt() > 0
            ? Instant.ofEpochMilli(request.startedAt())
            : null;
    ExecutionDocument done =
        executions
            .complete(
                execution.id(),
                request.state(),
                reason,
                counters,
                counters.result(),
                machineRuns,
                startedAt,
                Instant.ofEpochMilli(request.finishedAt()))
            .switchIfEmpty(executions.findById(execution.id()))
            .block();
    return new CompleteResult(done.state(), done.result(), missing);
  }

  /**
   * Counts each key (test, case, and machine in stress mode) once: the highest attempt supersedes
   * lower ones, whatever order they arrived in (design.md section 2, "Counting").
   */
  static Counters count(List<ResultDocument> stored, boolean perMachine) {
    Map<String, ResultDocument> latest = new HashMap<>();
    for (ResultDocument result : stored) {
      if (result.late()) {
        continue;
      }
      String key =
          result.testId()
              + "\u0000"
              + result.caseName()
              + (perMachine ? "\u0000" + result.machine() : "");
      latest.merge(key, result, (a, b) -> b.attempt() > a.attempt() ? b : a);
    }
    Counters counters = Counters.ZERO;
    for (ResultDocument result : latest.values()) {
      counters = counters.plus(result.status() == null ? TestStatus.inconclusive : result.status());
    }
    return counters;
  }

  private static String machineState(ExecutionState state) {
    return switch (state) {
      case canceled -> "canceled";
      case timeout -> "timeout";
      case error -> "error";
      default -> "finished";
    };
  }

  private static TestSpec spec(TestDefinition test) {
    return new TestSpec(
        test.id(),
        test.name(),
        test.type(),
        test.reports(),
        test.stages().stream().map(ServerActivitiesImpl::spec).toList());
  }

  private static StageSpec spec(StageDefinition stage) {
    return new StageSpec(
        stage.name(),
        stage.run(),
        stage.stop(),
        stage.cwd(),
        stage.env(),
        stage.mandatory(),
        stage.timeout());
  }
}
