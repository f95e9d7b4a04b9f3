package io.cta.server.execution;

import io.cta.activities.ExecutionState;
import io.cta.activities.RunMode;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.function.UnaryOperator;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The one owner of an execution's state (docs/architecture.md#lifecycle-owner): every transition
 * goes through here, and each is one conditional update of {@link ExecutionStore}, so concurrent
 * writers (api, consumer, reconciler) never move a terminal execution again. The build allows no
 * other caller of the store's state-changing methods ({@code ArchitectureTest}).
 */
@Component
public class ExecutionLifecycle {

  private final ExecutionStore executions;

  public ExecutionLifecycle(ExecutionStore executions) {
    this.executions = executions;
  }

  /** Requested: stores a new execution, pending (a run request, a schedule's fire, a chain). */
  public Mono<ExecutionDocument> create(ExecutionDocument execution) {
    if (execution.state() != ExecutionState.pending) {
      return Mono.error(
          new IllegalArgumentException(
              "an execution is created pending, not " + execution.state()));
    }
    return executions.insert(execution);
  }

  /**
   * Imported: results produced elsewhere, stored already {@code finished} with its counters, as one
   * insert (docs/results.md#imported-executions). It never has a workflow, so it never passes
   * through the active states the reconciler repairs; with {@code owesNotifications} the same write
   * records the notifications it owes, which the reconciler starts.
   */
  public Mono<ExecutionDocument> imported(ExecutionDocument execution, boolean owesNotifications) {
    if (!execution.imported()
        || execution.state() != ExecutionState.finished
        || execution.workflowId() != null) {
      return Mono.error(
          new IllegalArgumentException(
              "an imported execution is created finished, without a workflow"));
    }
    return executions.insertEnded(execution, owesNotifications);
  }

  /** Composed: lists the targeted machines, each pending, while the execution is pending. */
  public Mono<Void> composed(String id, List<MachineRun> machines) {
    return executions.setMachines(id, machines);
  }

  /**
   * A machine started its part (its agent's {@code running} event); the execution starts when
   * {@link io.cta.activities.StartRule} says so. Emits the execution when this call started it.
   */
  public Mono<ExecutionDocument> machineStarted(
      String id, String machineId, String machine, Instant at) {
    return executions.markMachineRunning(id, machineId, machine, at);
  }

  /**
   * A stress machine was lost before it started (the workflow saw its heartbeats stop); the
   * execution starts without it when every other machine has, as the workflow does. Emits the
   * execution when this call started it.
   */
  public Mono<ExecutionDocument> machineLost(String id, String machine, Instant at) {
    return executions.markMachineLost(id, machine, at);
  }

  /** A cancel request on an active execution; empty when it is not active, or was canceled. */
  public Mono<ExecutionDocument> requestCancel(String id, ExecutionDocument.Cancellation cancel) {
    return executions.requestCancel(id, cancel);
  }

  /**
   * How an execution's workflow ended it (the {@code complete} activity).
   *
   * @param startedAt the workflow's start, or null when the stored one stands or it never started
   * @param lostMachines machines that stopped heartbeating during the run
   */
  public record Ending(
      ExecutionState state,
      String reason,
      Instant startedAt,
      Instant finishedAt,
      Collection<String> lostMachines) {}

  /**
   * Completed by its workflow: the terminal state with its counters, written only while no result
   * ticket was taken since {@code tickets} was read. Lost machines end {@code timeout}, running
   * ones as the execution, and pending ones {@code acked} (another machine took the work), or in
   * stress {@code timeout} (their own part never started). Empty when the execution is terminal or
   * a ticket was taken meanwhile.
   */
  public Mono<ExecutionDocument> complete(
      ExecutionDocument execution,
      ExecutionStore.ResultTickets tickets,
      Ending ending,
      Counters counters) {
    boolean stress = execution.configuration().runMode() == RunMode.stress;
    MachineRunState running = MachineRunState.endedAs(ending.state());
    MachineRunState neverRan = stress ? MachineRunState.timeout : MachineRunState.acked;
    List<MachineRun> machines =
        machines(
            execution,
            m ->
                ending.lostMachines().contains(m.name())
                    ? m.withState(MachineRunState.timeout)
                    : switch (m.state()) {
                      case running -> m.withState(running);
                      case pending -> m.withState(neverRan);
                      default -> m;
                    });
    return executions.completeCounted(
        execution.id(),
        tickets,
        ending.state(),
        ending.reason(),
        counters,
        counters.result(),
        machines,
        ending.startedAt(),
        ending.finishedAt());
  }

  /**
   * Ended by the reconciler ({@code timeout} or {@code error}): its workflow is gone, so its
   * pending and running machines take the execution's state, its counters stay as stored, and with
   * {@code owesNotifications} the same write records the notifications it owes. Empty when it
   * already was terminal.
   */
  public Mono<ExecutionDocument> end(
      ExecutionDocument execution,
      ExecutionState state,
      String reason,
      Instant now,
      boolean owesNotifications) {
    Counters counters = execution.counters() == null ? Counters.ZERO : execution.counters();
    MachineRunState ended = MachineRunState.endedAs(state);
    List<MachineRun> machines =
        machines(
            execution,
            m ->
                m.state() == MachineRunState.running || m.state() == MachineRunState.pending
                    ? m.withState(ended)
                    : m);
    return executions.complete(
        execution.id(),
        state,
        reason,
        counters,
        counters.result(),
        machines,
        null,
        now,
        owesNotifications);
  }

  private static List<MachineRun> machines(
      ExecutionDocument execution, UnaryOperator<MachineRun> ending) {
    return execution.machines() == null
        ? List.of()
        : execution.machines().stream().map(ending).toList();
  }
}
