package io.cta.consumer.execution;

import io.cta.activities.ExecutionState;
import io.cta.activities.FailureType;
import io.cta.activities.RunMode;
import io.cta.activities.server.CompleteRequest;
import io.cta.activities.server.CompleteResult;
import io.cta.server.execution.Counters;
import io.cta.server.execution.Counting;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionLifecycle;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.ResultDocument;
import io.cta.server.execution.ResultStore;
import io.cta.server.history.TestHistoryStore;
import io.cta.server.machine.MachineStore;
import io.cta.server.machine.PoolStore;
import io.cta.temporal.TaskQueues;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * An execution's end as its workflow reports it: frees its pool and slot, counts its results under
 * its result tickets, records its runs in the test history, explains a timeout, and has the
 * lifecycle owner write the terminal state.
 */
@Component
public class Completion {

  private static final Logger log = LoggerFactory.getLogger(Completion.class);

  /** Counts attempted in one complete while results keep arriving, before the workflow retries. */
  static final int MAX_COMPLETE_ROUNDS = 5;

  private final ExecutionStore executions;
  private final ExecutionLifecycle lifecycle;
  private final ResultStore results;
  private final MachineStore machines;
  private final PoolStore pools;
  private final ExecutionSlots slots;
  private final SuiteOrder suiteOrder;
  private final TestHistoryStore history;

  public Completion(
      ExecutionStore executions,
      ExecutionLifecycle lifecycle,
      ResultStore results,
      MachineStore machines,
      PoolStore pools,
      ExecutionSlots slots,
      SuiteOrder suiteOrder,
      TestHistoryStore history) {
    this.executions = executions;
    this.lifecycle = lifecycle;
    this.results = results;
    this.machines = machines;
    this.pools = pools;
    this.slots = slots;
    this.suiteOrder = suiteOrder;
    this.history = history;
  }

  CompleteResult complete(CompleteRequest request) {
    ExecutionDocument execution = Executions.require(executions, request.executionId());
    pools.close(TaskQueues.pool(execution.id())).block();
    slots.release(execution);
    suiteOrder.forget(execution.id());
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
      execution = Executions.require(executions, execution.id());
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
    String reason = reason(request, execution);
    if (missing > 0) {
      reason =
          (reason == null ? "" : reason + "; ")
              + missing
              + " announced results never arrived within the grace period";
    }
    Instant startedAt =
        execution.startedAt() == null && request.startedAt() > 0
            ? Instant.ofEpochMilli(request.startedAt())
            : null;
    ExecutionLifecycle.Ending ending =
        new ExecutionLifecycle.Ending(
            request.state(),
            reason,
            startedAt,
            Instant.ofEpochMilli(request.finishedAt()),
            request.lostMachines());
    ExecutionDocument done =
        lifecycle
            .complete(execution, tickets, ending, counters)
            .switchIfEmpty(executions.findById(execution.id()))
            .block();
    if (!done.state().isTerminal()) {
      return null; // still active: a ticket was taken since it was read
    }
    return new CompleteResult(done.state(), done.result(), missing, hasNotifications(done));
  }

  /** The workflow's reason, with why a timed-out execution waited or stalled. */
  private String reason(CompleteRequest request, ExecutionDocument execution) {
    String reason = request.reason();
    if (request.state() == ExecutionState.timeout
        && execution.startedAt() == null
        && request.startedAt() == 0) {
      String waiting =
          machines.explainWaiting(execution.configuration().target(), Instant.now()).block();
      return waiting == null ? reason : reason + ": " + waiting;
    }
    if (request.state() == ExecutionState.timeout && request.lostMachines().isEmpty()) {
      // A running timeout on a machine target whose machine was drained or went away between two
      // tests: say so, as a pending timeout does.
      String stalled =
          machines.explainStalled(execution.configuration().target(), Instant.now()).block();
      return stalled == null ? reason : reason + ": " + stalled;
    }
    return reason;
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
}
