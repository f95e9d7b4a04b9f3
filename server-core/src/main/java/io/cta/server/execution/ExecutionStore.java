package io.cta.server.execution;

import io.cta.activities.ExecutionState;
import io.cta.activities.StartRule;
import io.cta.activities.TestStatus;
import io.cta.server.definition.Concurrency;
import io.cta.server.error.NotFoundException;
import io.cta.server.live.LiveEvent;
import io.cta.server.live.LiveFeedStore;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.annotation.Id;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.aggregation.Aggregation;
import org.springframework.data.mongodb.core.aggregation.ArrayOperators;
import org.springframework.data.mongodb.core.aggregation.ConditionalOperators;
import org.springframework.data.mongodb.core.aggregation.TypedAggregation;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Executions in MongoDB. Every state change is one conditional single-document update, so
 * concurrent writers (api, consumer, reconciler) can never move a terminal execution again.
 */
@Component
public class ExecutionStore {

  /**
   * Set on an ended execution whose notifications are owed and not started yet; absent otherwise
   * (documents written before it existed never carry it). Not a field of {@link ExecutionDocument}:
   * only the reconciler's queries and updates touch it.
   */
  public static final String NOTIFY_PENDING = "notifyPending";

  /**
   * Result tickets taken and stored (see {@link #takeResultTicket}): how {@code complete} knows
   * that no result is between being stored and being counted. Counters of the execution document
   * only, never fields of {@link ExecutionDocument}; absent on documents from before them.
   */
  static final String RESULT_TICKETS = "resultTickets";

  static final String RESULTS_STORED = "resultTicketsStored";

  /**
   * Set on a suite snapshot from its creation until its execution is stored (see {@link
   * #createSnapshot}); snapshots from before it never carry it.
   */
  public static final String SNAPSHOT_UNCLAIMED = "unclaimedSince";

  private static final List<ExecutionState> ACTIVE =
      List.of(ExecutionState.pending, ExecutionState.running);

  private final ReactiveMongoTemplate mongo;
  private final LiveFeedStore live;

  public ExecutionStore(ReactiveMongoTemplate mongo, LiveFeedStore live) {
    this.mongo = mongo;
    this.live = live;
  }

  public Mono<ExecutionDocument> insert(ExecutionDocument execution) {
    return mongo.insert(execution).flatMap(this::published);
  }

  /**
   * Inserts an execution that is already terminal (an import); with {@code notifyPending}, the same
   * single-document write records that its notifications are owed, as {@link #complete} does for an
   * execution whose workflow is gone. Fails on an existing {@code _id}.
   */
  public Mono<ExecutionDocument> insertEnded(ExecutionDocument execution, boolean notifyPending) {
    Document document = new Document();
    mongo.getConverter().write(execution, document);
    if (notifyPending) {
      document.put(NOTIFY_PENDING, true);
    }
    return mongo
        .insert(document, mongo.getCollectionName(ExecutionDocument.class))
        .thenReturn(execution)
        .flatMap(this::published);
  }

  /** Tells live clients about an execution's new state (see {@link LiveFeedStore}). */
  private Mono<ExecutionDocument> published(ExecutionDocument e) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", e.id());
    data.put("scenarioId", e.scenarioId());
    data.put("scenarioName", e.scenarioName());
    data.put("number", e.number());
    data.put("state", e.state().name());
    data.put("result", e.result() == null ? null : e.result().name());
    Counters c = e.counters();
    if (c != null) {
      data.put(
          "counters",
          Map.of(
              "ok",
              c.ok(),
              "failed",
              c.failed(),
              "partial",
              c.partial(),
              "inconclusive",
              c.inconclusive()));
    }
    data.put("reason", e.reason());
    data.put("cancelRequested", e.cancellation() != null);
    data.put("rerunOf", e.rerunOf());
    data.put("requestedAt", text(e.requestedAt()));
    data.put("startedAt", text(e.startedAt()));
    data.put("finishedAt", text(e.finishedAt()));
    return live.publish(LiveEvent.EXECUTION, e.id(), data).thenReturn(e);
  }

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }

  public Mono<ExecutionDocument> findById(String id) {
    return mongo.findById(id, ExecutionDocument.class);
  }

  /** The execution, or a {@link NotFoundException} when there is none with this id. */
  public Mono<ExecutionDocument> get(String id) {
    return findById(id).switchIfEmpty(Mono.error(() -> new NotFoundException("execution", id)));
  }

  /**
   * What the execution list ({@code GET /executions}) filters by; each null matches any. {@code
   * from} is inclusive and {@code to} exclusive, on {@code requestedAt}.
   */
  public record ListFilter(
      String scenarioId,
      ExecutionState state,
      TestStatus result,
      String machine,
      Instant from,
      Instant to) {

    /** The executions of one scenario. */
    public static ListFilter ofScenario(String scenarioId) {
      return new ListFilter(scenarioId, null, null, null, null, null);
    }

    // Every value is bound as a typed literal, never parsed as a query: no operator injection.
    Query query() {
      Criteria criteria = new Criteria();
      if (scenarioId != null) {
        criteria = criteria.and("scenarioId").is(scenarioId);
      }
      if (state != null) {
        criteria = criteria.and("state").is(state);
      }
      if (result != null) {
        criteria = criteria.and("result").is(result);
      }
      if (machine != null) {
        criteria = criteria.and("machines.name").is(machine);
      }
      if (from != null || to != null) {
        Criteria requested = criteria.and("requestedAt");
        if (from != null) {
          requested.gte(from);
        }
        if (to != null) {
          requested.lt(to);
        }
      }
      return Query.query(criteria);
    }
  }

  /** The executions matching {@code filter} in {@code sort} order, from {@code offset}. */
  public Flux<ExecutionDocument> list(ListFilter filter, Sort sort, long offset, int limit) {
    return mongo.find(filter.query().with(sort).skip(offset).limit(limit), ExecutionDocument.class);
  }

  /** How many executions {@link #list} pages through. */
  public Mono<Long> count(ListFilter filter) {
    return mongo.count(filter.query(), ExecutionDocument.class);
  }

  /** Pending or running executions requested before {@code before}, oldest first. */
  public Flux<ExecutionDocument> findActiveRequestedBefore(Instant before) {
    return mongo.find(
        Query.query(Criteria.where("state").in(ACTIVE).and("requestedAt").lt(before))
            .with(Sort.by("requestedAt")),
        ExecutionDocument.class);
  }

  /** A pending or running execution of the scenario, if any (overlap policies). */
  public Mono<ExecutionDocument> findActiveOfScenario(String scenarioId) {
    return mongo.findOne(
        Query.query(Criteria.where("scenarioId").is(scenarioId).and("state").in(ACTIVE)),
        ExecutionDocument.class);
  }

  /**
   * The scenario's latest execution numbered below {@code number} that has ended, if any (uses the
   * unique scenario_number index).
   */
  public Mono<ExecutionDocument> findPreviousEnded(String scenarioId, long number) {
    return mongo.findOne(
        Query.query(
                Criteria.where("scenarioId")
                    .is(scenarioId)
                    .and("number")
                    .lt(number)
                    .and("state")
                    .nin(ACTIVE))
            .with(Sort.by(Sort.Direction.DESC, "number"))
            .limit(1),
        ExecutionDocument.class);
  }

  /** Sets the machines of an execution that is still pending (compose). */
  public Mono<Void> setMachines(String id, List<MachineRun> machines) {
    return mongo
        .updateFirst(
            Query.query(Criteria.where("_id").is(id).and("state").is(ExecutionState.pending)),
            new Update().set("machines", machines),
            ExecutionDocument.class)
        .then();
  }

  /**
   * Records that a machine started its part: the machine's state becomes running and a pending
   * execution becomes running once {@link StartRule} says so (in stress mode with its last targeted
   * machine). Emits the execution when this call is the one that started it, else nothing: of
   * concurrent callers, the conditional update lets exactly one through.
   */
  public Mono<ExecutionDocument> markMachineRunning(
      String id, String machineId, String machine, Instant at) {
    // Only active executions: a late event must not move a machine of an ended execution.
    Query known =
        Query.query(
            Criteria.where("_id").is(id).and("state").in(ACTIVE).and("machines.name").is(machine));
    Query unknown =
        Query.query(
            Criteria.where("_id").is(id).and("state").in(ACTIVE).and("machines.name").ne(machine));
    Mono<Void> machineState =
        mongo
            .updateFirst(
                known,
                new Update()
                    .set("machines.$.state", MachineRunState.running)
                    .set("machines.$.startedAt", at),
                ExecutionDocument.class)
            .then(
                mongo.updateFirst(
                    unknown,
                    new Update()
                        .push(
                            "machines",
                            new MachineRun(machineId, machine, MachineRunState.running, null, at)),
                    ExecutionDocument.class))
            .then();
    return machineState.then(startIfDue(id, at));
  }

  /**
   * Records that a listed machine of a stress execution was lost before it started: it becomes
   * {@code timeout} (as completion would make it), and the execution starts if every other machine
   * has ({@link StartRule}). Emits the execution when this call started it, else nothing.
   */
  public Mono<ExecutionDocument> markMachineLost(String id, String machine, Instant at) {
    // Any state: the workflow reports only a machine it never saw start, and one whose running
    // event did arrive ends timeout on completion anyway, as a lost machine.
    Query listed =
        Query.query(
            Criteria.where("_id").is(id).and("state").in(ACTIVE).and("machines.name").is(machine));
    return mongo
        .updateFirst(
            listed,
            new Update().set("machines.$.state", MachineRunState.timeout),
            ExecutionDocument.class)
        .then(startIfDue(id, at));
  }

  /**
   * Moves a pending execution to running when its machines say it started. Reads after the caller's
   * machine write: of machines starting together, the last one sees them all.
   */
  private Mono<ExecutionDocument> startIfDue(String id, Instant at) {
    return findById(id)
        .filter(e -> e.state() == ExecutionState.pending && started(e))
        .flatMap(
            e ->
                mongo
                    .findAndModify(
                        Query.query(
                            Criteria.where("_id").is(id).and("state").is(ExecutionState.pending)),
                        new Update().set("state", ExecutionState.running).set("startedAt", at),
                        FindAndModifyOptions.options().returnNew(true),
                        ExecutionDocument.class)
                    .flatMap(this::published));
  }

  /** {@link StartRule} over the stored machines: a {@code timeout} one was lost. */
  private static boolean started(ExecutionDocument execution) {
    List<MachineRun> machines = execution.machines() == null ? List.of() : execution.machines();
    int lost = (int) machines.stream().filter(m -> m.state() == MachineRunState.timeout).count();
    int pending = (int) machines.stream().filter(m -> m.state() == MachineRunState.pending).count();
    return StartRule.started(
        execution.configuration().runMode(),
        machines.size(),
        machines.size() - pending - lost,
        lost);
  }

  /** How many executions are in one state, and the earliest request among them. */
  public record StateCount(ExecutionState state, long count, Instant oldestRequestedAt) {}

  /**
   * Counts executions by state in one query. On a real MongoDB the leading sort lets it walk the
   * {@code state_requestedAt} index in order, and as it needs no other field it can be answered
   * from the index alone; the embedded server (which ignores that index) scans the collection once.
   * A plain command with an empty cursor document: the driver's batch size in it would make the
   * embedded server log a warning every time. At most one group per state, so one batch.
   */
  public Flux<StateCount> countByState() {
    Document command =
        new Document("aggregate", mongo.getCollectionName(ExecutionDocument.class))
            .append(
                "pipeline",
                List.of(
                    new Document("$sort", new Document("state", 1).append("requestedAt", 1)),
                    new Document(
                        "$group",
                        new Document("_id", "$state")
                            .append("count", new Document("$sum", 1))
                            .append("oldest", new Document("$min", "$requestedAt")))))
            .append("cursor", new Document());
    return mongo
        .executeCommand(command)
        .flatMapIterable(
            answer -> answer.get("cursor", Document.class).getList("firstBatch", Document.class))
        .filter(group -> group.get("_id") instanceof String)
        .map(
            group ->
                new StateCount(
                    ExecutionState.valueOf(group.getString("_id")),
                    ((Number) group.get("count")).longValue(),
                    group.getDate("oldest") == null ? null : group.getDate("oldest").toInstant()));
  }

  /** What retention needs to know of an ended execution to delete it and what belongs to it. */
  public record Expired(
      @Id String id, String scenarioId, Instant requestedAt, Concurrency concurrency) {}

  /**
   * Ended executions that finished before {@code finishedBefore} and match any of {@code limits}
   * (built by the methods below, each a key range of an index on a real MongoDB), at most {@code
   * max}. Pending and running executions never match. The embedded server scans the collection
   * once.
   */
  public Flux<Expired> findExpired(List<Criteria> limits, Instant finishedBefore, int max) {
    Query query =
        Query.query(
                Criteria.where("state")
                    .nin(ACTIVE)
                    .and("finishedAt")
                    .lt(finishedBefore)
                    .orOperator(limits))
            .limit(max);
    query.fields().include("scenarioId", "requestedAt", "concurrency");
    return mongo.find(query, Expired.class, mongo.getCollectionName(ExecutionDocument.class));
  }

  /** Executions requested before {@code before}, except those of some scenarios (requestedAt). */
  public static Criteria requestedBefore(Instant before, Collection<String> exceptScenarios) {
    Criteria criteria = Criteria.where("requestedAt").lt(before);
    return exceptScenarios.isEmpty() ? criteria : criteria.and("scenarioId").nin(exceptScenarios);
  }

  /** The scenario's executions requested before {@code before} (scenario_requestedAt). */
  public static Criteria ofScenarioRequestedBefore(String scenarioId, Instant before) {
    return Criteria.where("scenarioId").is(scenarioId).and("requestedAt").lt(before);
  }

  /** The scenario's executions numbered {@code number} or lower (scenario_number). */
  public static Criteria ofScenarioNumberedUpTo(String scenarioId, long number) {
    return Criteria.where("scenarioId").is(scenarioId).and("number").lte(number);
  }

  /**
   * Deletes an ended execution's document (never an active one); true if this call deleted it. What
   * belongs to the execution goes first (retention), so that nothing is left without it.
   */
  public Mono<Boolean> delete(String id) {
    return mongo
        .remove(
            Query.query(Criteria.where("_id").is(id).and("state").nin(ACTIVE)),
            ExecutionDocument.class)
        .map(deleted -> deleted.getDeletedCount() > 0);
  }

  public Mono<Void> deleteSnapshot(String id) {
    return mongo.remove(Query.query(Criteria.where("_id").is(id)), SuiteSnapshot.class).then();
  }

  /** The suite an execution runs (see {@link SuiteSnapshot}). */
  public Mono<SuiteSnapshot> snapshot(String id) {
    return mongo.findById(id, SuiteSnapshot.class);
  }

  /** The id of the suite an execution runs, without reading the suite; empty without snapshot. */
  public Mono<String> suiteId(String id) {
    Query query = Query.query(Criteria.where("_id").is(id));
    query.fields().include("suite.id");
    return mongo
        .findOne(query, SuiteSnapshot.class)
        .mapNotNull(s -> s.suite() == null ? null : s.suite().id());
  }

  /**
   * How many tests the suite an execution runs holds, counted by the database so that the suite is
   * not read; empty without snapshot.
   */
  public Mono<Integer> suiteSize(String id) {
    TypedAggregation<SuiteSnapshot> size =
        Aggregation.newAggregation(
            SuiteSnapshot.class,
            Aggregation.match(Criteria.where("_id").is(id)),
            Aggregation.project()
                .and(
                    ArrayOperators.Size.lengthOfArray(
                        ConditionalOperators.ifNull("suite.tests").then(List.of())))
                .as("tests"));
    return mongo.aggregate(size, Document.class).next().map(d -> d.getInteger("tests"));
  }

  public Mono<SuiteSnapshot> saveSnapshot(SuiteSnapshot snapshot) {
    return mongo.save(snapshot);
  }

  /**
   * Stores the snapshot of an execution about to be inserted, marked unclaimed since {@code now}
   * until {@link #claimSnapshot} (after the execution's insert) clears the mark: a creation that
   * dies in between leaves a marked snapshot, which {@link #findUnclaimedSnapshots} finds. An
   * existing snapshot is kept: it belongs to the execution of that id, or to an earlier attempt of
   * this same creation.
   */
  public Mono<Void> createSnapshot(SuiteSnapshot snapshot, Instant now) {
    Document document = new Document();
    mongo.getConverter().write(snapshot, document);
    document.put(SNAPSHOT_UNCLAIMED, java.util.Date.from(now));
    return mongo
        .insert(document, mongo.getCollectionName(SuiteSnapshot.class))
        .then()
        .onErrorResume(DuplicateKeyException.class, existing -> Mono.empty());
  }

  /** The execution of the snapshot exists: it is not an orphan. */
  public Mono<Void> claimSnapshot(String id) {
    return mongo
        .updateFirst(
            Query.query(Criteria.where("_id").is(id)),
            new Update().unset(SNAPSHOT_UNCLAIMED),
            SuiteSnapshot.class)
        .then();
  }

  /** Ids of snapshots still unclaimed since before {@code before} (sparse unclaimedSince index). */
  public Flux<String> findUnclaimedSnapshots(Instant before) {
    Query query = Query.query(Criteria.where(SNAPSHOT_UNCLAIMED).lt(before));
    query.fields().include("_id");
    return mongo
        .find(query, Document.class, mongo.getCollectionName(SuiteSnapshot.class))
        .map(d -> d.get("_id").toString());
  }

  /** Ids of ended executions whose notifications are owed (sparse notifyPending index). */
  public Flux<String> findNotifyPending() {
    Query query = Query.query(Criteria.where(NOTIFY_PENDING).is(true));
    query.fields().include("_id");
    return mongo
        .find(query, Document.class, mongo.getCollectionName(ExecutionDocument.class))
        .map(d -> d.get("_id").toString());
  }

  /** The execution's notifications were started: it owes none any more. */
  public Mono<Void> notificationsStarted(String id) {
    return mongo
        .updateFirst(
            Query.query(Criteria.where("_id").is(id)),
            new Update().unset(NOTIFY_PENDING),
            ExecutionDocument.class)
        .then();
  }

  /** Records a cancel request on an active execution; empty if it is not active any more. */
  public Mono<ExecutionDocument> requestCancel(String id, ExecutionDocument.Cancellation cancel) {
    return mongo
        .findAndModify(
            Query.query(
                Criteria.where("_id").is(id).and("state").in(ACTIVE).and("cancellation").is(null)),
            new Update().set("cancellation", cancel),
            FindAndModifyOptions.options().returnNew(true),
            ExecutionDocument.class)
        .flatMap(this::published);
  }

  /**
   * Moves an active execution to its terminal state with its counters; empty when it already was
   * terminal (the first terminal write wins).
   */
  public Mono<ExecutionDocument> complete(
      String id,
      ExecutionState state,
      String reason,
      Counters counters,
      TestStatus result,
      List<MachineRun> machines,
      Instant startedAt,
      Instant finishedAt) {
    return complete(id, state, reason, counters, result, machines, startedAt, finishedAt, false);
  }

  /**
   * As above; with {@code notifyPending}, the same single-document write also records that the
   * execution's notifications are owed (its workflow, which would start them, is gone), so a
   * process that dies right after it leaves the debt in MongoDB for the next reconciler pass.
   */
  public Mono<ExecutionDocument> complete(
      String id,
      ExecutionState state,
      String reason,
      Counters counters,
      TestStatus result,
      List<MachineRun> machines,
      Instant startedAt,
      Instant finishedAt,
      boolean notifyPending) {
    return complete(
        Query.query(Criteria.where("_id").is(id).and("state").in(ACTIVE)),
        state,
        reason,
        counters,
        result,
        machines,
        startedAt,
        finishedAt,
        notifyPending);
  }

  /**
   * As {@link #complete(String, ExecutionState, String, Counters, TestStatus, List, Instant,
   * Instant)}, but only while no result ticket was taken since {@code tickets} was read: the
   * counters then cover every result whose ingestion took a ticket, and any later ingestion finds
   * the execution terminal and stores its results late. Empty when the execution is terminal or a
   * ticket was taken meanwhile (read the tickets and the results again).
   */
  public Mono<ExecutionDocument> completeCounted(
      String id,
      ResultTickets tickets,
      ExecutionState state,
      String reason,
      Counters counters,
      TestStatus result,
      List<MachineRun> machines,
      Instant startedAt,
      Instant finishedAt) {
    Criteria unchanged =
        tickets.taken() == 0
            ? Criteria.where(RESULT_TICKETS).is(null)
            : Criteria.where(RESULT_TICKETS).is(tickets.taken());
    return complete(
        Query.query(Criteria.where("_id").is(id).and("state").in(ACTIVE).andOperator(unchanged)),
        state,
        reason,
        counters,
        result,
        machines,
        startedAt,
        finishedAt,
        false);
  }

  private Mono<ExecutionDocument> complete(
      Query active,
      ExecutionState state,
      String reason,
      Counters counters,
      TestStatus result,
      List<MachineRun> machines,
      Instant startedAt,
      Instant finishedAt,
      boolean notifyPending) {
    Update update =
        new Update()
            .set("state", state)
            .set("reason", reason)
            .set("counters", counters)
            .set("result", result)
            .set("machines", machines)
            .set("finishedAt", finishedAt);
    if (startedAt != null) {
      update.set("startedAt", startedAt);
    }
    if (notifyPending) {
      update.set(NOTIFY_PENDING, true);
    }
    return mongo
        .findAndModify(
            active, update, FindAndModifyOptions.options().returnNew(true), ExecutionDocument.class)
        .flatMap(this::published);
  }

  /**
   * How many result ingestions took a ticket on the execution, and how many of them finished
   * storing their results (both 0 on documents written before tickets existed).
   */
  public record ResultTickets(long taken, long stored) {

    /** Some ingestion took a ticket and has not stored its results yet (or died doing it). */
    public boolean inFlight() {
      return stored < taken;
    }
  }

  /**
   * Takes a result ticket before storing results of an active execution: true when taken; false
   * when the execution is terminal, whose {@code complete} has counted, so the results are late.
   */
  public Mono<Boolean> takeResultTicket(String id) {
    return mongo
        .updateFirst(
            Query.query(Criteria.where("_id").is(id).and("state").in(ACTIVE)),
            new Update().inc(RESULT_TICKETS, 1),
            ExecutionDocument.class)
        .map(r -> r.getMatchedCount() > 0);
  }

  /** The results of a taken ticket are stored (whatever the execution's state now). */
  public Mono<Void> resultTicketStored(String id) {
    return mongo
        .updateFirst(
            Query.query(Criteria.where("_id").is(id)),
            new Update().inc(RESULTS_STORED, 1),
            ExecutionDocument.class)
        .then();
  }

  public Mono<ResultTickets> resultTickets(String id) {
    Query query = Query.query(Criteria.where("_id").is(id));
    query.fields().include(RESULT_TICKETS, RESULTS_STORED);
    return mongo
        .findOne(query, Document.class, mongo.getCollectionName(ExecutionDocument.class))
        .map(d -> new ResultTickets(number(d.get(RESULT_TICKETS)), number(d.get(RESULTS_STORED))));
  }

  private static long number(Object value) {
    return value instanceof Number n ? n.longValue() : 0;
  }
}
