package io.cta.consumer.execution;

import io.cta.activities.DispatchSizing;
import io.cta.activities.RunMode;
import io.cta.activities.agent.TestSpec;
import io.cta.activities.server.ComposeRequest;
import io.cta.activities.server.ExecutionPlan;
import io.cta.consumer.config.ConsumerProperties;
import io.cta.server.definition.ConfigurationDocument;
import io.cta.server.definition.Target;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionLifecycle;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.MachineRun;
import io.cta.server.execution.MachineRunState;
import io.cta.server.execution.SuiteSnapshot;
import io.cta.server.machine.MachineDocument;
import io.cta.server.machine.MachineStore;
import io.cta.server.machine.PoolStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Resolves an execution's configuration snapshot into its plan: the queue, the targeted machines
 * (listed pending on the execution), the stress start instant and the tests in dispatch order.
 */
@Component
public class Composer {

  private final ExecutionStore executions;
  private final ExecutionLifecycle lifecycle;
  private final MachineStore machines;
  private final PoolStore pools;
  private final SuiteOrder suiteOrder;
  private final ConsumerProperties properties;

  public Composer(
      ExecutionStore executions,
      ExecutionLifecycle lifecycle,
      MachineStore machines,
      PoolStore pools,
      SuiteOrder suiteOrder,
      ConsumerProperties properties) {
    this.executions = executions;
    this.lifecycle = lifecycle;
    this.machines = machines;
    this.pools = pools;
    this.suiteOrder = suiteOrder;
    this.properties = properties;
  }

  ExecutionPlan compose(ComposeRequest request) {
    ExecutionDocument execution = Executions.require(executions, request.executionId());
    SuiteSnapshot snapshot = executions.snapshot(execution.id()).block();
    if (snapshot == null) {
      return ExecutionPlan.impossible("the execution's suite snapshot is missing");
    }
    ConfigurationDocument configuration = execution.configuration();
    RunMode mode = configuration.runMode();
    Target target = configuration.target();
    Instant now = Instant.now();
    List<MachineDocument> taken = target.machines(machines).collectList().block();
    Target.Dispatch dispatch = target.dispatch(execution.id(), taken);
    String machineName = dispatch.machine();
    if (dispatch.queue() == null) {
      return ExecutionPlan.impossible("invalid machine name '" + machineName + "'");
    }
    String queue = dispatch.queue();
    // A named machine is listed and waited for whatever its status.
    List<MachineDocument> eligible =
        machineName != null ? taken : eligible(taken, configuration, now);
    if (dispatch.poolSelector() != null && mode != RunMode.stress) {
      pools.open(new PoolStore.Pool(queue, execution.id(), dispatch.poolSelector())).block();
    }
    long plannedStart =
        mode == RunMode.stress ? now.plus(properties.stressLead()).toEpochMilli() : 0;
    List<MachineRun> runs = new ArrayList<>();
    if (machineName != null && eligible.isEmpty()) {
      runs.add(new MachineRun(null, machineName, MachineRunState.pending));
    }
    for (MachineDocument machine : eligible) {
      runs.add(
          new MachineRun(
              machine.id(),
              machine.name(),
              MachineRunState.pending,
              plannedStart > 0 ? Instant.ofEpochMilli(plannedStart) : null,
              null));
    }
    lifecycle.composed(execution.id(), runs).block();

    List<TestSpec> tests = suiteOrder.order(execution, snapshot);
    List<String> stressMachines =
        mode == RunMode.stress ? eligible.stream().map(MachineDocument::name).toList() : List.of();
    long testRuns =
        (long) tests.size() * (1 + execution.retries()) * Math.max(1, stressMachines.size());
    int slotsAvailable = eligible.stream().mapToInt(m -> Math.max(1, m.slots())).sum();
    return ExecutionPlan.builder()
        .runMode(mode)
        .queue(queue)
        .machine(machineName)
        .machines(stressMachines)
        .plannedStartAt(plannedStart)
        .tests(testRuns <= DispatchSizing.INLINE_RUNS ? tests : List.of())
        .testCount(tests.size())
        .window(Math.max(2, Math.min(DispatchSizing.MAX_WINDOW, 2 * slotsAvailable)))
        .pendingTimeoutMs(execution.pendingTimeout())
        .runningTimeoutMs(execution.runningTimeout())
        .heartbeatTimeoutMs(properties.agentHeartbeatTimeout().toMillis())
        .resultGraceMs(properties.resultGrace().toMillis())
        .maxAttempts(properties.maxDispatchAttempts())
        .retries(execution.retries())
        .priority(execution.priority())
        .concurrencyLimited(execution.concurrency() != null)
        .build();
  }

  /** Machines that count as targeted: not draining, and online unless the configuration says so. */
  private List<MachineDocument> eligible(
      List<MachineDocument> candidates, ConfigurationDocument configuration, Instant now) {
    return candidates.stream()
        .filter(
            m -> {
              String status = m.status(now, machines.offlineAfter());
              return !status.equals("draining")
                  && (configuration.includeOffline() || !status.equals("offline"));
            })
        .toList();
  }
}
