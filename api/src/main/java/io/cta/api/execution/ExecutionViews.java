package io.cta.api.execution;

import io.cta.activities.ExecutionState;
import io.cta.activities.RunMode;
import io.cta.server.definition.Concurrency;
import io.cta.server.definition.Target;
import io.cta.server.execution.Counting;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.MachineRun;
import io.cta.server.execution.MachineRunState;
import io.cta.server.execution.ResultDocument;
import io.cta.server.execution.ResultStore;
import io.cta.server.machine.MachineStore;
import io.cta.server.scenario.SlotStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Builds execution views; a pending one says why it waits, and so does a running one whose machine
 * stopped taking work. A running one also shows the tests its machines run now and its progress.
 */
@Component
public class ExecutionViews {

  private final MachineStore machines;
  private final SlotStore slots;
  private final WorkflowLinks links;
  private final ExecutionStore executions;
  private final ResultStore results;

  /** Suite sizes of the last running executions viewed: a suite snapshot never changes. */
  private final Map<String, Integer> suiteSizes =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
              return size() > 256;
            }
          });

  ExecutionViews(
      MachineStore machines,
      SlotStore slots,
      WorkflowLinks links,
      ExecutionStore executions,
      ResultStore results) {
    this.machines = machines;
    this.slots = slots;
    this.links = links;
    this.executions = executions;
    this.results = results;
  }

  public Mono<ExecutionView> view(ExecutionDocument execution) {
    if (execution.state() == ExecutionState.running) {
      return Mono.zip(
              stalled(execution).map(Optional::of).defaultIfEmpty(Optional.empty()),
              running(execution))
          .flatMap(
              t ->
                  progress(execution, t.getT2())
                      .map(Optional::of)
                      .defaultIfEmpty(Optional.empty())
                      .map(
                          progress ->
                              ExecutionView.of(
                                  execution,
                                  t.getT1().orElse(null),
                                  links,
                                  t.getT2(),
                                  progress.orElse(null))));
    }
    if (execution.state() != ExecutionState.pending) {
      return Mono.just(ExecutionView.of(execution, null, links));
    }
    Instant now = Instant.now();
    long waited = Math.max(0, Duration.between(execution.requestedAt(), now).toMillis());
    Mono<List<MachineStore.Candidate>> candidates =
        machines.candidates(execution.configuration().target(), now).collectList();
    Mono<String> machineReason =
        machines.explainWaiting(execution.configuration().target(), now).defaultIfEmpty("");
    return Mono.zip(candidates, machineReason, concurrencyReason(execution))
        .map(
            t -> {
              List<String> reasons = new ArrayList<>();
              if (!t.getT3().isEmpty()) {
                reasons.add(t.getT3());
              }
              String stress = stressReason(execution);
              if (stress != null) {
                reasons.add(stress);
              }
              if (!t.getT2().isEmpty()) {
                reasons.add(t.getT2());
              }
              return new ExecutionView.Waiting(
                  execution.requestedAt(),
                  waited,
                  reasons.isEmpty() ? null : String.join("; ", reasons),
                  t.getT1());
            })
        .map(waiting -> ExecutionView.of(execution, waiting, links));
  }

  /**
   * A running execution waits too when its one machine stopped taking work between two tests
   * (draining or offline). When that began is not recorded, so {@code since} is null.
   */
  private Mono<ExecutionView.Waiting> stalled(ExecutionDocument execution) {
    Instant now = Instant.now();
    Target target = execution.configuration().target();
    return machines
        .explainStalled(target, now)
        .flatMap(
            reason ->
                machines
                    .candidates(target, now)
                    .collectList()
                    .map(candidates -> new ExecutionView.Waiting(null, 0, reason, candidates)));
  }

  /**
   * The tests the execution's machines run now, oldest first, from their last heartbeats: one
   * lookup of its machines by their unique names. A machine gone offline runs none any more.
   */
  private Mono<List<ExecutionView.RunningTest>> running(ExecutionDocument execution) {
    if (execution.machines() == null || execution.machines().isEmpty()) {
      return Mono.just(List.of());
    }
    Instant now = Instant.now();
    List<String> names = execution.machines().stream().map(MachineRun::name).distinct().toList();
    return machines
        .findByNames(names)
        .filter(m -> !"offline".equals(m.status(now, machines.offlineAfter())))
        .flatMapIterable(
            m ->
                m.running().stream()
                    .filter(t -> execution.id().equals(t.executionId()))
                    .map(
                        t ->
                            new ExecutionView.RunningTest(
                                t.testId(), m.name(), t.attempt(), t.startedAt()))
                    .toList())
        .sort(
            Comparator.comparing(
                    ExecutionView.RunningTest::since,
                    Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(ExecutionView.RunningTest::machine))
        .collectList();
  }

  /**
   * The planned test runs and how many have a counted result, counted as the counters are (one per
   * test, and per machine in stress mode); a test running again after a failed attempt is not done.
   * Empty when the execution has no suite snapshot.
   */
  private Mono<ExecutionView.Progress> progress(
      ExecutionDocument execution, List<ExecutionView.RunningTest> running) {
    boolean perMachine = execution.configuration().runMode() == RunMode.stress;
    int machineCount = execution.machines() == null ? 0 : execution.machines().size();
    Set<String> runningNow = new HashSet<>();
    for (ExecutionView.RunningTest test : running) {
      runningNow.add(progressKey(test.testId(), test.machine(), perMachine));
    }
    return suiteSize(execution.id())
        .flatMap(
            size ->
                results
                    .results(execution.id())
                    .collectList()
                    .map(
                        stored -> {
                          Set<String> done = new HashSet<>();
                          for (ResultDocument r : Counting.counted(stored, perMachine)) {
                            done.add(progressKey(r.testId(), r.machine(), perMachine));
                          }
                          done.removeAll(runningNow);
                          int tests = perMachine ? size * Math.max(1, machineCount) : size;
                          return new ExecutionView.Progress(tests, Math.min(tests, done.size()));
                        }));
  }

  private static String progressKey(String testId, String machine, boolean perMachine) {
    return perMachine ? testId + "\u0000" + machine : testId;
  }

  private Mono<Integer> suiteSize(String executionId) {
    Integer known = suiteSizes.get(executionId);
    if (known != null) {
      return Mono.just(known);
    }
    return executions.suiteSize(executionId).doOnNext(size -> suiteSizes.put(executionId, size));
  }

  /** Non-empty when the scenario's concurrency limit holds this execution back. */
  private Mono<String> concurrencyReason(ExecutionDocument execution) {
    Concurrency limit = execution.concurrency();
    if (limit == null) {
      return Mono.just("");
    }
    return slots
        .holders(execution.scenarioId())
        .map(
            holders ->
                holders.contains(execution.id()) || holders.size() < limit.max()
                    ? ""
                    : "the scenario's concurrency limit of "
                        + limit.max()
                        + " is reached (active: "
                        + String.join(", ", holders)
                        + ")");
  }

  /** A stress execution waits until each of its machines has started. */
  private static String stressReason(ExecutionDocument execution) {
    if (execution.configuration().runMode() != RunMode.stress || execution.machines() == null) {
      return null;
    }
    List<String> waiting =
        execution.machines().stream()
            .filter(m -> m.state() == MachineRunState.pending)
            .map(MachineRun::name)
            .toList();
    return waiting.isEmpty()
        ? null
        : (execution.machines().size() - waiting.size())
            + " of "
            + execution.machines().size()
            + " machines started; waiting for "
            + String.join(", ", waiting);
  }

  /** A list shows the stored state only: no per-item machine lookups. */
  public ExecutionView summary(ExecutionDocument execution) {
    return ExecutionView.of(execution, null, links);
  }
}
