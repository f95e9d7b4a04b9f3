package io.cta.consumer.execution;

import io.cta.activities.FailureType;
import io.cta.server.definition.Concurrency;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.scenario.SlotStore;
import org.springframework.stereotype.Component;

/** An execution's concurrency slot: taken before dispatch, freed on completion. */
@Component
public class ExecutionSlots {

  private final ExecutionStore executions;
  private final SlotStore slots;

  public ExecutionSlots(ExecutionStore executions, SlotStore slots) {
    this.executions = executions;
    this.slots = slots;
  }

  /** Takes a slot, or fails with the retryable {@code ScenarioBusy} while every one is held. */
  void acquire(String executionId) {
    ExecutionDocument execution = Executions.require(executions, executionId);
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

  void release(ExecutionDocument execution) {
    if (execution.concurrency() != null) {
      slots.release(execution.scenarioId(), execution.id(), execution.requestedAt()).block();
    }
  }
}
