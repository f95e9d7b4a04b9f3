package io.cta.server.scenario;

import io.cta.activities.ExecutionState;
import io.cta.activities.RunMode;
import io.cta.server.definition.Concurrency;
import io.cta.server.definition.ConfigurationDocument;
import io.cta.server.definition.DefinitionStore;
import io.cta.server.definition.Notification;
import io.cta.server.definition.ScenarioDocument;
import io.cta.server.definition.SuiteDocument;
import io.cta.server.error.ConflictException;
import io.cta.server.error.NotFoundException;
import io.cta.server.execution.Counters;
import io.cta.server.execution.Counting;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionLifecycle;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.ResultDocument;
import io.cta.server.execution.ResultStore;
import io.cta.server.execution.SuiteSnapshot;
import io.cta.server.history.TestHistoryStore;
import io.cta.server.temporal.ExecutionWorkflows;
import io.cta.workflows.execution.ExecutionWorkflow;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Runs a scenario, for a user (api) or a schedule (consumer): stores a pending execution with
 * snapshots of its suite and configuration, then starts its workflow. If the start fails (Temporal
 * unreachable), the execution stays pending and the reconciler starts it later: MongoDB is written
 * first, so nothing is lost. It also stores results produced elsewhere as an execution of the
 * scenario ({@link #imported}), numbered and snapshotted as a run is.
 */
@Component
public class ScenarioRunner {

  private static final Logger log = LoggerFactory.getLogger(ScenarioRunner.class);

  private final DefinitionStore definitions;
  private final ExecutionStore executions;
  private final ExecutionLifecycle lifecycle;
  private final ExecutionWorkflows workflows;
  private final SlotStore slots;
  private final ResultStore results;
  private final TestHistoryStore history;

  public ScenarioRunner(
      DefinitionStore definitions,
      ExecutionStore executions,
      ExecutionLifecycle lifecycle,
      ExecutionWorkflows workflows,
      SlotStore slots,
      ResultStore results,
      TestHistoryStore history) {
    this.definitions = definitions;
    this.executions = executions;
    this.lifecycle = lifecycle;
    this.workflows = workflows;
    this.slots = slots;
    this.results = results;
    this.history = history;
  }

  /**
   * What to run, and who asked.
   *
   * @param chainDepth 0, or for a run started by a chain notification one more than the depth of
   *     the execution that started it
   */
  public record Run(
      String executionId, int priority, String reason, String requestedBy, int chainDepth) {}

  /**
   * Creates and starts the execution. When {@code run.executionId()} is given and already exists,
   * that execution is returned unchanged, so a retried request never starts two.
   */
  public Mono<ExecutionDocument> run(String scenarioId, Run run) {
    Mono<ExecutionDocument> existing =
        run.executionId() == null ? Mono.empty() : executions.findById(run.executionId());
    return existing.switchIfEmpty(Mono.defer(() -> create(scenarioId, run)));
  }

  private Mono<ExecutionDocument> create(String scenarioId, Run run) {
    return numbered(scenarioId)
        .flatMap(n -> start(newExecution(n.scenario(), n.configuration(), run), n.suite()));
  }

  /** A scenario that just gave out its next number, with its suite and configuration now. */
  private record Numbered(
      ScenarioDocument scenario, SuiteDocument suite, ConfigurationDocument configuration) {}

  private Mono<Numbered> numbered(String scenarioId) {
    return definitions
        .takeNextNumber(scenarioId)
        .switchIfEmpty(Mono.error(() -> new NotFoundException("scenario", scenarioId)))
        .flatMap(
            scenario ->
                Mono.zip(
                        suiteOf(scenario),
                        definitions
                            .findById(ConfigurationDocument.class, scenario.configurationId())
                            .switchIfEmpty(
                                Mono.error(
                                    () ->
                                        new ConflictException(
                                            "the scenario's configuration '"
                                                + scenario.configurationId()
                                                + "' no longer exists"))))
                    .map(t -> new Numbered(scenario, t.getT1(), t.getT2())));
  }

  private Mono<SuiteDocument> suiteOf(ScenarioDocument scenario) {
    return definitions
        .findById(SuiteDocument.class, scenario.testSuiteId())
        .switchIfEmpty(
            Mono.error(
                () ->
                    new ConflictException(
                        "the scenario's suite '" + scenario.testSuiteId() + "' no longer exists")));
  }

  /**
   * Stores results produced elsewhere (an upload of JUnit XML) as a new execution of the scenario,
   * already {@code finished} and without a workflow (docs/results.md#imported-executions):
   * numbered, with snapshots of the scenario's suite and configuration and its notifications, as a
   * run. The results are stored and recorded in the test history first, then the lifecycle owner
   * inserts the execution with their counters and, when the scenario has notifications, the debt
   * the reconciler pays by starting them. When {@code run.executionId()} (required) already exists,
   * that execution is returned unchanged, as {@link #run} does.
   *
   * @param results the results for the execution with the id {@code run.executionId()}, given the
   *     scenario's suite (to check the test they belong to). It may refuse them (a {@code
   *     CtaException}): it is called before anything is written, the scenario's number included.
   */
  public Mono<ExecutionDocument> imported(
      String scenarioId, Run run, Function<SuiteDocument, List<ResultDocument>> results) {
    return imported(scenarioId, run, results, Mono.empty());
  }

  /**
   * {@link #imported(String, Run, Function)}, with {@code journal} written once the results are
   * accepted and before anything else is: the import journal ({@link ScenarioImports}), which lets
   * a retry find this import and retention remove what an import that never completed stored.
   */
  public Mono<ExecutionDocument> imported(
      String scenarioId,
      Run run,
      Function<SuiteDocument, List<ResultDocument>> results,
      Mono<Void> journal) {
    return executions
        .findById(run.executionId())
        .switchIfEmpty(
            Mono.defer(
                () ->
                    definitions
                        .findById(ScenarioDocument.class, scenarioId)
                        .switchIfEmpty(
                            Mono.error(() -> new NotFoundException("scenario", scenarioId)))
                        .flatMap(this::suiteOf)
                        .map(results)
                        .flatMap(
                            stored ->
                                journal
                                    .then(numbered(scenarioId))
                                    .flatMap(n -> storeImported(n, run, stored)))));
  }

  private Mono<ExecutionDocument> storeImported(Numbered n, Run run, List<ResultDocument> stored) {
    ExecutionDocument pending = newExecution(n.scenario(), n.configuration(), run);
    boolean stress = pending.configuration().runMode() == RunMode.stress;
    Counters counters = Counting.count(stored, stress);
    Instant now = Instant.now();
    ExecutionDocument execution =
        pending.toBuilder()
            .state(ExecutionState.finished)
            .counters(counters)
            .result(counters.result())
            .startedAt(now)
            .finishedAt(now)
            .workflowId(null)
            .source(ExecutionDocument.SOURCE_IMPORT)
            .build();
    boolean owesNotifications = !execution.notifications().isEmpty();
    String id = execution.id();
    // As a run: the snapshot first, marked unclaimed until the execution is stored (retention
    // deletes an unclaimed one); the results and history before the execution, so that it is
    // never seen finished without them.
    return executions
        .createSnapshot(new SuiteSnapshot(id, n.suite(), null), now)
        .then(results.appendResults(id, stored))
        .then(history.record(n.suite().id(), execution, stored, now))
        .then(lifecycle.imported(execution, owesNotifications))
        // A process that dies before the insert leaves an unclaimed snapshot (retention deletes
        // it) and results that no execution shows.
        .onErrorResume(failed -> undoUnlessStored(id, results.delete(id), failed))
        .flatMap(inserted -> claimSnapshot(id).thenReturn(inserted));
  }

  /**
   * Runs again what {@code original} ran, as a new execution of its scenario: {@code suite} (the
   * original's suite snapshot, or the part of it to run again) on the original's configuration
   * snapshot, with its timeouts, retries, priority and notifications, so that the rerun answers
   * "does it still fail under the same conditions?". The scenario gives it its next number and its
   * current concurrency limit; the rest of the run is a normal run's (audit, live events, slots).
   */
  public Mono<ExecutionDocument> rerun(ExecutionDocument original, SuiteDocument suite, Run run) {
    return definitions
        .takeNextNumber(original.scenarioId())
        .switchIfEmpty(
            Mono.error(
                () ->
                    new ConflictException(
                        "the scenario '" + original.scenarioId() + "' no longer exists")))
        .flatMap(scenario -> start(rerunExecution(scenario, original, run), suite));
  }

  /**
   * Stores the execution with its suite snapshot, then starts its workflow. The snapshot goes
   * first, so an execution is never without its suite; it stays marked unclaimed until the
   * execution is stored. A failed insert removes it (unless the execution exists: then it is that
   * execution's); a process that dies in between leaves it marked, and retention deletes it.
   */
  private Mono<ExecutionDocument> start(ExecutionDocument execution, SuiteDocument suite) {
    String id = execution.id();
    return admit(execution)
        .then(executions.createSnapshot(new SuiteSnapshot(id, suite, null), Instant.now()))
        .then(
            lifecycle
                .create(execution)
                .onErrorResume(failed -> undoUnlessStored(id, Mono.empty(), failed)))
        .flatMap(
            inserted ->
                claimSnapshot(id)
                    .then(
                        workflows
                            .start(inserted)
                            .onErrorResume(
                                e -> {
                                  log.warn(
                                      "could not start the workflow of execution {} now; the"
                                          + " reconciler will: {}",
                                      inserted.id(),
                                      e.toString());
                                  return Mono.just(false);
                                }))
                    .thenReturn(inserted));
  }

  /**
   * After a failed insert: removes what was stored ahead of the execution ({@code stored}, then its
   * snapshot) unless the execution exists (then they are its), and answers the failure. A failed
   * clean-up is left to retention.
   */
  private <T> Mono<T> undoUnlessStored(String id, Mono<Void> stored, Throwable failed) {
    return executions
        .findById(id)
        .hasElement()
        .flatMap(exists -> exists ? Mono.<Void>empty() : stored.then(executions.deleteSnapshot(id)))
        .onErrorResume(e -> Mono.empty())
        .then(Mono.error(failed));
  }

  /** Marks the snapshot claimed; if that fails, retention finds the execution and claims it. */
  private Mono<Void> claimSnapshot(String id) {
    return executions
        .claimSnapshot(id)
        .onErrorResume(
            e -> {
              log.warn("could not claim the snapshot of {}: {}", id, e.toString());
              return Mono.empty();
            });
  }

  /**
   * A scenario whose limit rejects extra executions takes the slot now, so that a full scenario
   * answers 409 at once; a queueing one gets in line now and takes its slot in the workflow,
   * waiting pending for it.
   */
  private Mono<Void> admit(ExecutionDocument execution) {
    Concurrency limit = execution.concurrency();
    if (limit == null) {
      return Mono.empty();
    }
    if (limit.whenFull() == Concurrency.WhenFull.queue) {
      return slots.enqueue(execution.scenarioId(), execution.id(), execution.requestedAt());
    }
    return slots
        .acquire(execution.scenarioId(), execution.id(), execution.requestedAt(), limit.max())
        .flatMap(
            taken ->
                taken
                    ? Mono.empty()
                    : slots
                        .release(execution.scenarioId(), execution.id(), execution.requestedAt())
                        .then(
                            Mono.error(
                                new ConflictException(
                                    "scenario '"
                                        + execution.scenarioName()
                                        + "' already has "
                                        + limit.max()
                                        + " active execution(s), its concurrency limit"))));
  }

  private static ExecutionDocument newExecution(
      ScenarioDocument scenario, ConfigurationDocument configuration, Run run) {
    return pending(
        scenario,
        run,
        run.executionId() != null ? run.executionId() : new ObjectId().toHexString(),
        scenario.pendingTimeout(),
        scenario.runningTimeout(),
        scenario.retries(),
        configuration,
        scenario.notifications(),
        null);
  }

  /** A re-run keeps the original's snapshots; its number and concurrency are the scenario's now. */
  private static ExecutionDocument rerunExecution(
      ScenarioDocument scenario, ExecutionDocument original, Run run) {
    return pending(
        scenario,
        run,
        new ObjectId().toHexString(),
        original.pendingTimeout(),
        original.runningTimeout(),
        original.retries(),
        original.configuration(),
        original.notifications(),
        original.id());
  }

  private static ExecutionDocument pending(
      ScenarioDocument scenario,
      Run run,
      String id,
      long pendingTimeout,
      long runningTimeout,
      int retries,
      ConfigurationDocument configuration,
      List<Notification> notifications,
      String rerunOf) {
    return ExecutionDocument.builder()
        .id(id)
        .number(scenario.lastNumber())
        .scenarioId(scenario.id())
        .scenarioName(scenario.name())
        .state(ExecutionState.pending)
        .counters(Counters.ZERO)
        .machines(List.of())
        .requestedAt(Instant.now())
        .workflowId(ExecutionWorkflow.workflowId(id))
        .priority(run.priority())
        .requestReason(run.reason())
        .requestedBy(run.requestedBy())
        .pendingTimeout(pendingTimeout)
        .runningTimeout(runningTimeout)
        .retries(retries)
        .concurrency(scenario.concurrency())
        .configuration(configuration)
        .notifications(notifications == null ? List.of() : notifications)
        .chainDepth(run.chainDepth())
        .rerunOf(rerunOf)
        .build();
  }
}
