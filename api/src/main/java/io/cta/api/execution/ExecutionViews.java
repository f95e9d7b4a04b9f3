package io.cta.api.execution;

import io.cta.activities.ExecutionState;
import io.cta.activities.RunMode;
import io.cta.server.definition.Concurrency;
import io.cta.server.definition.Target;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.MachineRun;
import io.cta.server.execution.MachineRunState;
import io.cta.server.machine.MachineStore;
import io.cta.server.scenario.SlotStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Builds execution views; a pending one says why it waits, and so does a running one whose machine
 * stopped taking work.
 */
@Component
public class ExecutionViews {

  private final MachineStore machines;
  private final SlotStore slots;
  private final WorkflowLinks links;

  ExecutionViews(MachineStore machines, SlotStore slots, WorkflowLinks links) {
    this.machines = machines;
    this.slots = slots;
    this.links = links;
  }

  public Mono<ExecutionView> view(ExecutionDocument execution) {
    if (execution.state() == ExecutionState.running) {
      return stalled(execution);
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
  private Mono<ExecutionView> stalled(ExecutionDocument execution) {
    Instant now = Instant.now();
    Target target = execution.configuration().target();
    return machines
        .explainStalled(target, now)
        .flatMap(
            reason ->
                machines
                    .candidates(target, now)
                    .collectList()
                    .map(candidates -> new ExecutionView.Waiting(null, 0, reason, candidates)))
        .map(waiting -> ExecutionView.of(execution, waiting, links))
        .defaultIfEmpty(ExecutionView.of(execution, null, links));
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
