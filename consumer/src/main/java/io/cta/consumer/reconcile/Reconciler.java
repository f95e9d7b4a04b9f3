package io.cta.consumer.reconcile;

import io.cta.activities.ExecutionState;
import io.cta.activities.schedule.ScheduleSpec;
import io.cta.consumer.config.ConsumerProperties;
import io.cta.consumer.periodic.PeriodicJob;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionLifecycle;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.machine.MachineStore;
import io.cta.server.machine.PoolStore;
import io.cta.server.scenario.ScheduleDocument;
import io.cta.server.scenario.ScheduleStore;
import io.cta.server.scenario.SlotStore;
import io.cta.server.temporal.ExecutionWorkflows;
import io.cta.server.temporal.ScheduleWorkflows;
import io.cta.temporal.TaskQueues;
import io.cta.workflows.execution.CancelSignal;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * MongoDB and Temporal share no transaction, so on start and then periodically this compares the
 * active executions in MongoDB with their workflows (docs/design.md#reconciler):
 *
 * <ul>
 *   <li>a pending execution without a workflow is started again, or ends {@code timeout} if its
 *       pending deadline has passed;
 *   <li>a running execution without a live workflow ends {@code error} with a reason.
 * </ul>
 *
 * An execution ended here sends its notifications, as its workflow would have: the debt is stored
 * with its terminal state and paid by this pass or the next one.
 *
 * <p>Executions younger than the grace period are left alone: their workflow may still be starting.
 * Every live schedule in MongoDB gets its workflow back if Temporal lost it, so schedules never
 * stop silently; the restarted workflow catches up on fires it missed. A running schedule workflow
 * whose spec or pause state differs from MongoDB's gets the lost signal again.
 */
@Component
public class Reconciler implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  private final ExecutionStore executions;
  private final ExecutionLifecycle lifecycle;
  private final ExecutionWorkflows workflows;
  private final ScheduleStore schedules;
  private final ScheduleWorkflows scheduleWorkflows;
  private final PoolStore pools;
  private final SlotStore slots;
  private final MachineStore machines;
  private final ConsumerProperties properties;
  private final Clock clock;
  private final PeriodicJob job;
  private volatile Instant lastPass;
  private final Set<String> missingHolders = ConcurrentHashMap.newKeySet();

  @Autowired
  Reconciler(
      ExecutionStore executions,
      ExecutionLifecycle lifecycle,
      ExecutionWorkflows workflows,
      ScheduleStore schedules,
      ScheduleWorkflows scheduleWorkflows,
      PoolStore pools,
      SlotStore slots,
      MachineStore machines,
      ConsumerProperties properties) {
    this(
        executions,
        lifecycle,
        workflows,
        schedules,
        scheduleWorkflows,
        pools,
        slots,
        machines,
        properties,
        Clock.systemUTC());
  }

  Reconciler(
      ExecutionStore executions,
      ExecutionLifecycle lifecycle,
      ExecutionWorkflows workflows,
      ScheduleStore schedules,
      ScheduleWorkflows scheduleWorkflows,
      PoolStore pools,
      SlotStore slots,
      MachineStore machines,
      ConsumerProperties properties,
      Clock clock) {
    this.executions = executions;
    this.lifecycle = lifecycle;
    this.workflows = workflows;
    this.schedules = schedules;
    this.scheduleWorkflows = scheduleWorkflows;
    this.pools = pools;
    this.slots = slots;
    this.machines = machines;
    this.properties = properties;
    this.clock = clock;
    this.job =
        new PeriodicJob(
            "reconciliation",
            Duration.ZERO,
            properties.reconcileInterval(),
            () ->
                reconcile()
                    .doOnNext(
                        repaired -> {
                          if (repaired > 0) {
                            log.info("reconciler repaired {} executions", repaired);
                          }
                        }),
            log);
  }

  /** One pass; returns how many executions and schedules it repaired. */
  public Mono<Long> reconcile() {
    // Owed notifications after the executions: those ended by this pass start theirs in end().
    return reconcileExecutions()
        .flatMap(ended -> startOwedNotifications().map(started -> ended + started))
        .zipWith(reconcileSchedules(), Long::sum)
        .zipWith(reconcileSlots(), Long::sum)
        .flatMap(repaired -> announceOffline().thenReturn(repaired));
  }

  /**
   * Tells live clients about machines that went offline since the last pass: offline is the absence
   * of heartbeats, so no write announces it.
   */
  Mono<Void> announceOffline() {
    Instant now = clock.instant();
    Instant since = lastPass == null ? now.minus(properties.reconcileInterval()) : lastPass;
    lastPass = now;
    return machines
        .list(Sort.unsorted())
        .filter(
            m -> {
              Instant offlineAt =
                  m.lastSeenAt() == null ? null : m.lastSeenAt().plus(machines.offlineAfter());
              return offlineAt != null && offlineAt.isAfter(since) && !offlineAt.isAfter(now);
            })
        .concatMap(m -> machines.published(m, now))
        .then();
  }

  /**
   * Frees concurrency slots whose holder is not active (its completion was lost, or its creation
   * failed after the slot was taken): a full scenario would otherwise stay full forever.
   */
  Mono<Long> reconcileSlots() {
    return slots
        .all()
        .concatMap(
            scenario ->
                Flux.fromIterable(scenario.holders())
                    .map(holder -> Map.entry(holder, Instant.EPOCH))
                    .concatWith(
                        Flux.fromIterable(scenario.waiting())
                            .map(
                                ticket ->
                                    Map.entry(
                                        SlotStore.executionOf(ticket),
                                        SlotStore.requestedAtOf(ticket))))
                    .concatMap(
                        entry ->
                            executions
                                .findById(entry.getKey())
                                .map(execution -> execution.state().isTerminal())
                                // A missing one may be an execution being created right now:
                                // freed only when it is still missing one pass later.
                                .switchIfEmpty(
                                    Mono.fromSupplier(() -> !missingHolders.add(entry.getKey())))
                                .filter(stale -> stale)
                                .flatMap(
                                    stale ->
                                        slots
                                            .release(
                                                scenario.scenarioId(),
                                                entry.getKey(),
                                                entry.getValue())
                                            .doOnSuccess(
                                                done -> missingHolders.remove(entry.getKey()))
                                            .thenReturn(true))))
        .count();
  }

  /**
   * Restarts the workflow of every live schedule that has none, and signals again a running one
   * that keeps time by another spec or pause state than MongoDB's (a change signal was lost). A
   * schedule changed within the grace period is left alone: the api may be signalling it now. A
   * signal that races a user's change is corrected by the next pass, since MongoDB is the truth.
   */
  Mono<Long> reconcileSchedules() {
    Instant settled = clock.instant().minus(properties.reconcileGrace());
    return schedules
        .findLive()
        .concatMap(
            schedule ->
                scheduleWorkflows
                    .start(schedule)
                    .flatMap(
                        started -> {
                          if (started) {
                            log.info(
                                "schedule of scenario {} had no workflow; restarted it",
                                schedule.scenarioId());
                            return Mono.just(true);
                          }
                          return schedule.updatedAt() != null
                                  && schedule.updatedAt().isAfter(settled)
                              ? Mono.just(false)
                              : resendLostChanges(schedule);
                        })
                    .onErrorResume(
                        e -> {
                          log.warn(
                              "reconciling schedule {} failed: {}",
                              schedule.scenarioId(),
                              e.toString());
                          return Mono.just(false);
                        }))
        .filter(repaired -> repaired)
        .count();
  }

  /** Signals the running schedule workflow where its state differs from the stored schedule. */
  private Mono<Boolean> resendLostChanges(ScheduleDocument schedule) {
    return scheduleWorkflows
        .state(schedule.scenarioId())
        .flatMap(
            state -> {
              List<ScheduleWorkflows.Signal> signals = new ArrayList<>();
              if (!schedule.spec().equals(state.spec())) {
                signals.add(ScheduleWorkflows.Signal.update);
              }
              if (schedule.paused() != state.paused()) {
                signals.add(
                    schedule.paused()
                        ? ScheduleWorkflows.Signal.pause
                        : ScheduleWorkflows.Signal.resume);
              }
              if (signals.isEmpty()) {
                return Mono.just(false);
              }
              log.info(
                  "schedule of scenario {} runs {}; MongoDB says {}: sending {} again",
                  schedule.scenarioId(),
                  describe(state.spec(), state.paused()),
                  describe(schedule.spec(), schedule.paused()),
                  signals);
              return Flux.fromIterable(signals)
                  .concatMap(signal -> scheduleWorkflows.signal(schedule, signal))
                  .then(Mono.just(true));
            });
  }

  private static String describe(ScheduleSpec spec, boolean paused) {
    return (paused ? "paused " : "") + spec;
  }

  Mono<Long> reconcileExecutions() {
    Instant now = clock.instant();
    return executions
        .findActiveRequestedBefore(now.minus(properties.reconcileGrace()))
        .concatMap(
            execution ->
                workflows
                    .status(execution.id())
                    .flatMap(status -> repair(execution, status, now))
                    .onErrorResume(
                        e -> {
                          log.warn(
                              "reconciling execution {} failed: {}", execution.id(), e.toString());
                          return Mono.just(false);
                        }))
        .filter(repaired -> repaired)
        .count();
  }

  private Mono<Boolean> repair(
      ExecutionDocument execution, Optional<WorkflowExecutionStatus> status, Instant now) {
    if (status.isPresent()
        && status.get() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return resendLostCancel(execution, now);
    }
    if (status.isEmpty() && execution.state() == ExecutionState.pending) {
      Instant deadline = execution.requestedAt().plusMillis(execution.pendingTimeout());
      if (now.isAfter(deadline)) {
        return end(
            execution,
            ExecutionState.timeout,
            "not started within the pending timeout; its workflow was never started",
            now);
      }
      log.info("execution {} has no workflow; starting it", execution.id());
      return workflows.start(execution);
    }
    String reason =
        status.isEmpty()
            ? "orchestration state was lost: workflow "
                + execution.workflowId()
                + " no longer exists (did the Temporal server restart?)"
            : "orchestration ended without completing the execution: workflow "
                + execution.workflowId()
                + " is "
                + status.get().name().replace("WORKFLOW_EXECUTION_STATUS_", "").toLowerCase();
    return end(execution, ExecutionState.error, reason, now);
  }

  /** A cancel recorded in MongoDB whose signal never reached the workflow is sent again. */
  private Mono<Boolean> resendLostCancel(ExecutionDocument execution, Instant now) {
    ExecutionDocument.Cancellation cancel = execution.cancellation();
    if (cancel == null || cancel.at().isAfter(now.minus(properties.reconcileGrace()))) {
      return Mono.just(false);
    }
    log.info("execution {} was canceled but still runs; sending the cancel again", execution.id());
    return workflows
        .cancel(execution.id(), new CancelSignal(cancel.by(), cancel.reason()))
        .thenReturn(true);
  }

  private Mono<Boolean> end(
      ExecutionDocument execution, ExecutionState state, String reason, Instant now) {
    log.warn("execution {} ends {}: {}", execution.id(), state, reason);
    // Its workflow is gone, and with it the start of its notifications: the debt is written with
    // the terminal state, and paid by startOwedNotifications (now, or by a later pass if this
    // process dies first).
    boolean owesNotifications =
        execution.notifications() != null && !execution.notifications().isEmpty();
    return lifecycle
        .end(execution, state, reason, now, owesNotifications)
        .hasElement()
        .flatMap(
            ended ->
                pools
                    .close(TaskQueues.pool(execution.id()))
                    .then(releaseSlot(execution))
                    .then(ended && owesNotifications ? notify(execution.id()).then() : Mono.empty())
                    .thenReturn(ended));
  }

  /**
   * Starts the notifications of every ended execution that still owes them (its terminal write was
   * done, the start was not: the process died in between, or Temporal could not be reached). The
   * notification workflow's id derives from the execution, so a start that did happen before the
   * flag was cleared is not repeated: each execution notifies exactly once.
   */
  Mono<Long> startOwedNotifications() {
    return executions
        .findNotifyPending()
        .concatMap(
            id ->
                notify(id)
                    .onErrorResume(
                        e -> {
                          log.warn(
                              "starting the notifications of execution {} failed: {}",
                              id,
                              e.toString());
                          return Mono.just(false);
                        }))
        .filter(started -> started)
        .count();
  }

  /** Starts them and clears the debt; true when this call started them. */
  private Mono<Boolean> notify(String executionId) {
    return workflows
        .notify(executionId)
        .flatMap(
            started -> {
              if (started) {
                log.info("started the notifications of execution {}", executionId);
              }
              return executions.notificationsStarted(executionId).thenReturn(started);
            });
  }

  private Mono<Void> releaseSlot(ExecutionDocument execution) {
    return execution.concurrency() == null
        ? Mono.empty()
        : slots.release(execution.scenarioId(), execution.id(), execution.requestedAt());
  }

  @Override
  public void start() {
    job.start();
  }

  @Override
  public void stop() {
    job.stop();
  }

  @Override
  public boolean isRunning() {
    return job.isRunning();
  }
}
