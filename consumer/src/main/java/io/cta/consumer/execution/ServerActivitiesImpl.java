package io.cta.consumer.execution;

import io.cta.activities.ExecutionState;
import io.cta.activities.FailureType;
import io.cta.activities.RunMode;
import io.cta.activities.agent.StageSpec;
import io.cta.activities.agent.TestSpec;
import io.cta.activities.server.CompleteRequest;
import io.cta.activities.server.CompleteResult;
import io.cta.activities.server.ComposeRequest;
import io.cta.activities.server.ExecutionPlan;
import io.cta.activities.server.LoadTestsRequest;
import io.cta.activities.server.ServerActivities;
import io.cta.consumer.config.ConsumerProperties;
import io.cta.server.definition.Concurrency;
import io.cta.server.definition.ConfigurationDocument;
import io.cta.server.definition.StageDefinition;
import io.cta.server.definition.Target;
import io.cta.server.definition.TestDefinition;
import io.cta.server.execution.Counters;
import io.cta.server.execution.Counting;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.MachineRun;
import io.cta.server.execution.ResultDocument;
import io.cta.server.execution.ResultStore;
import io.cta.server.execution.SuiteSnapshot;
import io.cta.server.history.TestHistoryStore;
import io.cta.server.machine.MachineDocument;
import io.cta.server.machine.MachineStore;
import io.cta.server.machine.PoolStore;
import io.cta.server.scenario.SlotStore;
import io.cta.temporal.TaskQueues;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The workflow's steps that touch MongoDB. Activities run on Temporal's worker threads, so blocking
 * on the reactive driver here never blocks an event loop.
 */
@Component
public class ServerActivitiesImpl implements ServerActivities {

  private static final Logger log = LoggerFactory.getLogger(ServerActivitiesImpl.class);

  /** Inline plans stay small in history: at most this many test runs (tests x attempts). */
  static final int INLINE_RUNS = 400;

  /** A parallel window is twice the eligible slots, so a machine finds work when it frees one. */
  static final int MAX_WINDOW = 1_000;

  /** Counts attempted in one complete while results keep arriving, before the workflow retries. */
  static final int MAX_COMPLETE_ROUNDS = 5;

  private final ExecutionStore executions;
  private final ResultStore results;
  private final MachineStore machines;
  private final PoolStore pools;
  private final SlotStore slots;
  private final TestHistoryStore history;
  private final ConsumerProperties properties;
  private final Map<String, List<TestSpec>> ordered =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<TestSpec>> eldest) {
              return size() > 8; // lanes of a few large executions at once
            }
          });

  public ServerActivitiesImpl(
      ExecutionStore executions,
      ResultStore results,
      MachineStore machines,
      PoolStore pools,
      SlotStore slots,
      TestHistoryStore history,
      ConsumerProperties properties) {
    this.executions = executions;
    this.results = results;
    this.machines = machines;
    this.pools = pools;
    this.slots = slots;
    this.history = history;
    this.properties = properties;
  }

  @Override
  public ExecutionPlan compose(ComposeRequest request) {
    ExecutionDocument execution = execution(request.executionId());
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
      runs.add(new MachineRun(null, machineName, "pending"));
    }
    for (MachineDocument machine : eligible) {
      runs.add(
          new MachineRun(
              machine.id(),
              machine.name(),
              "pending",
              plannedStart > 0 ? Instant.ofEpochMilli(plannedStart) : null,
              null));
    }
    executions.setMachines(execution.id(), runs).block();

    List<TestSpec> tests = order(execution, snapshot);
    List<String> stressMachines =
        mode == RunMode.stress ? eligible.stream().map(MachineDocument::name).toList() : List.of();
    long testRuns =
        (long) tests.size() * (1 + execution.retries()) * Math.max(1, stressMachines.size());
    int slotsAvailable = eligible.stream().mapToInt(m -> Math.max(1, m.slots())).sum();
    return new ExecutionPlan(
        mode,
        queue,
        machineName,
        stressMachines,
        plannedStart,
        testRuns <= INLINE_RUNS ? tests : List.of(),
        tests.size(),
        Math.max(2, Math.min(MAX_WINDOW, 2 * slotsAvailable)),
        execution.pendingTimeout(),
        execution.runningTimeout(),
        properties.agentHeartbeatTimeout().toMillis(),
        properties.resultGrace().toMillis(),
        properties.maxDispatchAttempts(),
        execution.retries(),
        execution.priority(),
        execution.concurrency() != null,
        null);
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

  /**
   * The suite in dispatch order. A parallel execution releases the longest tests first (by their
   * recent durations in the test history; tests never measured count as longest, so they are
   * measured early); other modes keep the suite's order. The order is stored so that every lane
   * loads the same one.
   */
  private List<TestSpec> order(ExecutionDocument execution, SuiteSnapshot snapshot) {
    List<TestDefinition> suite = snapshot.suite().tests();
    List<Integer> order = IntStream.range(0, suite.size()).boxed().collect(Collectors.toList());
    if (execution.configuration().runMode() == RunMode.parallel) {
      Map<String, Long> estimates =
          history
              .estimates(snapshot.suite().id(), suite.stream().map(TestDefinition::id).toList())
              .block();
      order.sort(
          Comparator.comparingLong(
              (Integer i) -> -estimates.getOrDefault(suite.get(i).id(), Long.MAX_VALUE / 2)));
      executions.saveSnapshot(new SuiteSnapshot(snapshot.id(), snapshot.suite(), order)).block();
    }
    List<TestSpec> tests = order.stream().map(i -> spec(suite.get(i))).toList();
    ordered.put(execution.id(), tests);
    return tests;
  }

  @Override
  public List<TestSpec> loadTests(LoadTestsRequest request) {
    List<TestSpec> tests = ordered.get(request.executionId());
    if (tests == null) {
      // Another consumer composed it, or this one restarted: the stored order is the same.
      SuiteSnapshot snapshot = executions.snapshot(request.executionId()).block();
      if (snapshot == null) {
        throw FailureType.NOT_FOUND.nonRetryable(
            "execution " + request.executionId() + " has no suite snapshot");
      }
      List<TestDefinition> suite = snapshot.suite().tests();
      tests =
          snapshot.order() == null
              ? suite.stream().map(ServerActivitiesImpl::spec).toList()
              : snapshot.order().stream().map(i -> spec(suite.get(i))).toList();
      ordered.put(request.executionId(), tests);
    }
    List<TestSpec> share = new ArrayList<>();
    for (long i = request.lane() + (long) request.from() * request.lanes();
        i < tests.size() && share.size() < request.limit();
        i += request.lanes()) {
      share.add(tests.get((int) i));
    }
    return share;
  }

  @Override
  public void acquireSlot(String executionId) {
    ExecutionDocument execution = execution(executionId);
    Concurrency limit = execution.concurrency();
    if (limit == null) {
      return;
    }
    if (!slots
        .acquire(execution.scenarioId(), execution.id(), execution.requestedAt(), limit.max())
        .block()) {
      throw FailureType.SCENARIO_BUSY.retryable(
          "scenario '"
              + execution.scenarioName()
              + "' has "
              + limit.max()
              + " active execution(s), its concurrency limit");
    }
  }

  private ExecutionDocument execution(String id) {
    ExecutionDocument execution = executions.findById(id).block();
    if (execution == null) {
      throw FailureType.NOT_FOUND.nonRetryable("execution " + id + " does not exist");
    }
    return execution;
  }

  @Override
  public CompleteResult complete(CompleteRequest request) {
    ExecutionDocument execution = execution(request.executionId());
    pools.close(TaskQueues.pool(execution.id())).block();
    if (execution.concurrency() != null) {
      slots.release(execution.scenarioId(), execution.id(), execution.requestedAt()).block();
    }
    ordered.remove(execution.id());
    if (execution.state().isTerminal()) {
      return new CompleteResult(
          execution.state(), execution.result(), 0, hasNotifications(execution));
    }
    // Counted and written under the execution's result tickets: a result whose ingestion took a
    // ticket is stored before the tickets read here (else wait, or retry the count), and one that
    // comes after the terminal write finds the execution terminal and is stored late.
    for (int round = 1; ; round++) {
      ExecutionStore.ResultTickets tickets =
          executions.resultTickets(execution.id()).blockOptional().orElseThrow();
      if (tickets.inFlight() && !request.force()) {
        throw FailureType.RESULTS_MISSING.retryable(
            (tickets.taken() - tickets.stored()) + " result deliveries are being stored");
      }
      CompleteResult done = tryComplete(request, execution, tickets);
      if (done != null) {
        return done;
      }
      if (round == MAX_COMPLETE_ROUNDS) {
        // Results keep arriving: the workflow retries this activity.
        throw FailureType.RESULTS_MISSING.retryable(
            "results kept arriving while the execution was completed");
      }
      execution = execution(execution.id());
    }
  }

  /**
   * One attempt to count and write the terminal state; null when a result ticket was taken
   * meanwhile (count again).
   */
  private CompleteResult tryComplete(
      CompleteRequest request, ExecutionDocument execution, ExecutionStore.ResultTickets tickets) {
    List<ResultDocument> stored = results.results(execution.id()).collectList().block();
    int missing = Math.max(0, request.expectedResults() - stored.size());
    if (missing > 0 && !request.force()) {
      throw FailureType.RESULTS_MISSING.retryable(
          missing + " of " + request.expectedResults() + " announced results are not stored yet");
    }
    boolean stress = execution.configuration().runMode() == RunMode.stress;
    Counters counters = Counting.count(stored, stress);
    // Before the terminal write: a retry after a failure below records nothing twice, while a
    // retry after the terminal write returns above and would never record it.
    recordHistory(execution, stored, Instant.ofEpochMilli(request.finishedAt()));
    String reason = request.reason();
    if (request.state() == ExecutionState.timeout
        && execution.startedAt() == null
        && request.startedAt() == 0) {
      String waiting =
          machines.explainWaiting(execution.configuration().target(), Instant.now()).block();
      reason = waiting == null ? reason : reason + ": " + waiting;
    } else if (request.state() == ExecutionState.timeout && request.lostMachines().isEmpty()) {
      // A running timeout on a machine target whose machine was drained or went away between two
      // tests: say so, as a pending timeout does.
      String stalled =
          machines.explainStalled(execution.configuration().target(), Instant.now()).block();
      reason = stalled == null ? reason : reason + ": " + stalled;
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
                            ? m.withState("timeout")
                            : m.state().equals("running")
                                ? m.withState(machineState)
                                // Targeted but never ran: another member took the work (acked),
                                // or in stress its own part never started (timeout).
                                : m.state().equals("pending")
                                    ? m.withState(stress ? "timeout" : "acked")
                                    : m)
                .toList();
    Instant startedAt =
        execution.startedAt() == null && request.startedAt() > 0
            ? Instant.ofEpochMilli(request.startedAt())
            : null;
    ExecutionDocument done =
        executions
            .completeCounted(
                execution.id(),
                tickets,
                request.state(),
                reason,
                counters,
                counters.result(),
                machineRuns,
                startedAt,
                Instant.ofEpochMilli(request.finishedAt()))
            .switchIfEmpty(executions.findById(execution.id()))
            .block();
    if (!done.state().isTerminal()) {
      return null; // still active: a ticket was taken since it was read
    }
    return new CompleteResult(done.state(), done.result(), missing, hasNotifications(done));
  }

  private static boolean hasNotifications(ExecutionDocument execution) {
    return execution.notifications() != null && !execution.notifications().isEmpty();
  }

  /** Appends this execution's runs to the history of each test it ran. */
  private void recordHistory(
      ExecutionDocument execution, List<ResultDocument> stored, Instant finishedAt) {
    if (stored.isEmpty()) {
      return;
    }
    String suiteId = executions.suiteId(execution.id()).block();
    if (suiteId == null) {
      log.warn(
          "execution {} has no suite snapshot: its runs stay out of the history", execution.id());
      return;
    }
    history.record(suiteId, execution, stored, finishedAt).block();
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
