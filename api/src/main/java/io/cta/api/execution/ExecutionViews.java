package io.cta.api.execution;

import io.cta.activities.ExecutionState;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.machine.MachineStore;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Builds execution views; a pending one says why it waits. */
@Component
public class ExecutionViews {

  private final MachineStore machines;

  ExecutionViews(MachineStore machines) {
    this.machines = machines;
  }

  public Mono<ExecutionView> view(ExecutionDocument execution) {
    if (execution.state() != ExecutionState.pending) {
      return Mono.just(ExecutionView.of(execution, null));
    }
    Instant now = Instant.now();
    long waited = Math.max(0, Duration.between(execution.requestedAt(), now).toMillis());
    return machines
        .explainWaiting(execution.configuration().target(), now)
        .map(reason -> new ExecutionView.Waiting(execution.requestedAt(), waited, reason))
        .defaultIfEmpty(new ExecutionView.Waiting(execution.requestedAt(), waited, null))
        .map(waiting -> ExecutionView.of(execution, waiting));
  }

  /** A list shows the stored state only: no per-item machine lookups. */
  public ExecutionView summary(ExecutionDocument execution) {
    return ExecutionView.of(execution, null);
  }
}
