package io.cta.consumer.retention;

import io.cta.consumer.config.ConsumerProperties;
import io.cta.consumer.metrics.ConsumerMetrics;
import io.cta.consumer.periodic.PeriodicJob;
import io.cta.server.audit.AuditStore;
import io.cta.server.definition.DefinitionStore;
import io.cta.server.definition.Retention;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.FileStore;
import io.cta.server.execution.ResultStore;
import io.cta.server.machine.MachineStore;
import io.cta.server.machine.PoolStore;
import io.cta.server.notification.DeliveryStore;
import io.cta.server.scenario.ImportDocument;
import io.cta.server.scenario.ImportStore;
import io.cta.server.scenario.ScheduleStore;
import io.cta.server.scenario.SlotStore;
import io.cta.temporal.TaskQueues;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Deletes ended executions beyond their retention, with everything that belongs to them
 * (docs/operations.md, "Retention"). A scenario's own {@link Retention} replaces the consumer's
 * default limits for its executions. Every consumer runs a pass every interval; passes of several
 * consumers may overlap, which is harmless: each delete is by key and idempotent, an execution's
 * document goes last (a pass that stops midway leaves it for the next pass to find and finish), and
 * only the consumer whose delete removed that document counts it. No transaction, no TTL index.
 */
@Component
public class RetentionJob implements SmartLifecycle {

  /** The most executions one pass deletes; the next pass goes on where it stopped. */
  static final int MAX_PER_PASS = 10_000;

  /** Far longer than creating an execution takes (its snapshot, then its document). */
  static final Duration ORPHAN_GRACE = Duration.ofMinutes(10);

  /** The api's audit log (io.cta.api.audit.AuditLog). */
  private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

  private final DefinitionStore definitions;
  private final AuditStore audit;
  private final ExecutionStore executions;
  private final ResultStore results;
  private final FileStore files;
  private final DeliveryStore deliveries;
  private final ImportStore imports;
  private final PoolStore pools;
  private final SlotStore slots;
  private final ScheduleStore schedules;
  private final MachineStore machines;
  private final ConsumerMetrics metrics;
  private final ConsumerProperties.RetentionSettings settings;
  private final Clock clock;
  private final PeriodicJob job;

  @Autowired
  RetentionJob(
      DefinitionStore definitions,
      AuditStore audit,
      ExecutionStore executions,
      ResultStore results,
      FileStore files,
      DeliveryStore deliveries,
      ImportStore imports,
      PoolStore pools,
      SlotStore slots,
      ScheduleStore schedules,
      MachineStore machines,
      ConsumerMetrics metrics,
      ConsumerProperties properties) {
    this(
        definitions,
        audit,
        executions,
        results,
        files,
        deliveries,
        imports,
        pools,
        slots,
        schedules,
        machines,
        metrics,
        properties.retention(),
        Clock.systemUTC());
  }

  RetentionJob(
      DefinitionStore definitions,
      AuditStore audit,
      ExecutionStore executions,
      ResultStore results,
      FileStore files,
      DeliveryStore deliveries,
      ImportStore imports,
      PoolStore pools,
      SlotStore slots,
      ScheduleStore schedules,
      MachineStore machines,
      ConsumerMetrics metrics,
      ConsumerProperties.RetentionSettings settings,
      Clock clock) {
    this.definitions = definitions;
    this.audit = audit;
    this.executions = executions;
    this.results = results;
    this.files = files;
    this.deliveries = deliveries;
    this.imports = imports;
    this.pools = pools;
    this.slots = slots;
    this.schedules = schedules;
    this.machines = machines;
    this.metrics = metrics;
    this.settings = settings;
    this.clock = clock;
    this.job =
        new PeriodicJob(
            "retention pass", settings.interval(), settings.interval(), this::sweep, log);
  }

  /** One pass; returns how many executions it deleted. */
  public Mono<Long> sweep() {
    Instant now = clock.instant();
    return deleteAudit(now)
        .then(deleteOrphanSnapshots(now))
        .then(deleteUnfinishedImports(now))
        .then(Mono.defer(() -> sweepExecutions(now)));
  }

  /**
   * Suite snapshots whose execution creation died between the snapshot and the execution (see
   * ScenarioRunner): still unclaimed after {@link #ORPHAN_GRACE}, they are deleted unless their
   * execution exists (then its claim was lost: it is claimed now).
   */
  Mono<Long> deleteOrphanSnapshots(Instant now) {
    Flux<Boolean> deletes =
        executions
            .findUnclaimedSnapshots(now.minus(ORPHAN_GRACE))
            .concatMap(
                id ->
                    executions
                        .findById(id)
                        .hasElement()
                        .flatMap(
                            exists ->
                                exists
                                    ? executions.claimSnapshot(id).thenReturn(false)
                                    : executions.deleteSnapshot(id).thenReturn(true)));
    return counted(deletes, "orphan suite snapshot(s)");
  }

  /**
   * How many of {@code deletes} deleted something, logged; a failure is logged and left to the next
   * pass, so that the rest of this one goes on.
   */
  private static Mono<Long> counted(Flux<Boolean> deletes, String what) {
    return deletes
        .filter(deleted -> deleted)
        .count()
        .doOnNext(
            deleted -> {
              if (deleted > 0) {
                log.info("retention deleted {} {}", deleted, what);
              }
            })
        .onErrorResume(
            e -> {
              log.warn("retention: deleting {} failed: {}", what, e.toString());
              return Mono.just(0L);
            });
  }

  /**
   * Imports that never completed (docs/results.md#imported-executions): the api died between its
   * journal and the execution's insert, leaving results (and a snapshot) that no execution shows.
   * Still unfinished after {@link #ORPHAN_GRACE}, each is abandoned (a conditional update, so a
   * retry resuming it meanwhile wins), its results and snapshot deleted, then its journal: a pass
   * that stops midway leaves it {@code abandoned} for the next. One whose execution exists only
   * lost its completion mark, which it gets now. At most {@link #MAX_PER_PASS} a pass; the query
   * reads the sparse {@code unfinishedSince} index (see {@link ImportStore#findUnfinished}).
   */
  Mono<Long> deleteUnfinishedImports(Instant now) {
    Instant before = now.minus(ORPHAN_GRACE);
    Flux<Boolean> deletes =
        imports
            .findUnfinished(before, MAX_PER_PASS)
            .concatMap(
                journal ->
                    executions
                        .findById(journal.executionId())
                        .hasElement()
                        .flatMap(
                            exists ->
                                exists
                                    ? imports
                                        .completed(journal.id(), journal.executionId())
                                        .thenReturn(false)
                                    : abandon(journal, before)));
    return counted(deletes, "unfinished import(s)");
  }

  private Mono<Boolean> abandon(ImportDocument journal, Instant before) {
    String executionId = journal.executionId();
    return imports
        .abandon(journal.id(), executionId, before)
        .flatMap(
            abandoned ->
                !abandoned
                    ? Mono.just(false)
                    : results
                        .delete(executionId)
                        .then(executions.deleteSnapshot(executionId))
                        .then(imports.deleteAbandoned(journal.id(), executionId))
                        .thenReturn(true));
  }

  /** Audit entries older than {@code auditDays}. */
  private Mono<Void> deleteAudit(Instant now) {
    if (settings.auditDays() == null) {
      return Mono.empty();
    }
    return audit
        .deleteWrittenBefore(now.minus(Duration.ofDays(settings.auditDays())))
        .doOnNext(
            removed -> {
              if (removed > 0) {
                log.info("retention deleted {} audit entries", removed);
              }
            })
        .then();
  }

  private Mono<Long> sweepExecutions(Instant now) {
    return limits(now)
        .flatMap(
            limits ->
                limits.isEmpty()
                    ? Mono.just(0L)
                    : executions
                        .findExpired(limits, now.minus(settings.minAge()), MAX_PER_PASS)
                        .collectList()
                        .flatMap(this::delete))
        .doOnNext(
            deleted -> {
              if (deleted > 0) {
                metrics.retentionDeleted(deleted);
                log.info(
                    "retention deleted {} execution(s) in {} ms",
                    deleted,
                    Duration.between(now, clock.instant()).toMillis());
              }
            });
  }

  /**
   * Which executions are beyond their limits: one key range per scenario with limits on a real
   * MongoDB, all of them in one query. Reads the scenarios (a small collection) once.
   */
  private Mono<List<Criteria>> limits(Instant now) {
    return definitions
        .scenarioLimits()
        .collectList()
        .map(
            scenarios -> {
              List<Criteria> limits = new ArrayList<>();
              List<String> ownRetention = new ArrayList<>();
              for (DefinitionStore.ScenarioLimits scenario : scenarios) {
                Retention own = scenario.retention();
                if (own != null && own.problem() == null) {
                  ownRetention.add(scenario.id());
                  if (own.days() != null) {
                    limits.add(
                        ExecutionStore.ofScenarioRequestedBefore(
                            scenario.id(), now.minus(Duration.ofDays(own.days()))));
                  } else {
                    keepLast(limits, scenario, own.lastExecutions());
                  }
                } else if (settings.lastExecutions() != null) {
                  keepLast(limits, scenario, settings.lastExecutions());
                }
              }
              if (settings.days() != null) {
                limits.add(
                    ExecutionStore.requestedBefore(
                        now.minus(Duration.ofDays(settings.days())), ownRetention));
              }
              return limits;
            });
  }

  private static void keepLast(
      List<Criteria> limits, DefinitionStore.ScenarioLimits scenario, int last) {
    if (scenario.lastNumber() > last) {
      limits.add(
          ExecutionStore.ofScenarioNumberedUpTo(scenario.id(), scenario.lastNumber() - last));
    }
  }

  private Mono<Long> delete(List<ExecutionStore.Expired> expired) {
    if (expired.isEmpty()) {
      return Mono.just(0L);
    }
    return machines
        .forget(expired.stream().map(ExecutionStore.Expired::id).toList())
        .thenMany(Flux.fromIterable(expired).concatMap(this::delete))
        .filter(deleted -> deleted)
        .count();
  }

  /**
   * Deletes what belongs to the execution, then its document: a failure midway leaves the document,
   * so a later pass finds the execution again and finishes. Its files go first, before the results
   * that reference them. True if this call deleted the document.
   */
  private Mono<Boolean> delete(ExecutionStore.Expired execution) {
    String id = execution.id();
    return Mono.defer(
            () ->
                files
                    .deleteAll(id)
                    .then(results.delete(id))
                    .then(executions.deleteSnapshot(id))
                    .then(deliveries.delete(id))
                    .then(pools.close(TaskQueues.pool(id)))
                    .then(
                        execution.concurrency() == null
                            ? Mono.empty()
                            : slots.release(execution.scenarioId(), id, execution.requestedAt()))
                    .then(schedules.forget(execution.scenarioId(), id))
                    .then(imports.deleteByExecution(id))
                    .then(executions.delete(id)))
        .onErrorResume(
            e -> {
              log.warn("retention: deleting execution {} failed: {}", id, e.toString());
              return Mono.just(false);
            });
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
