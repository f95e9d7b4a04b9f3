package io.cta.consumer.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.activities.ExecutionState;
import io.cta.activities.TestStatus;
import io.cta.activities.events.RegisterRequest;
import io.cta.activities.notification.NotificationType;
import io.cta.activities.schedule.ScheduleSpec;
import io.cta.consumer.Fixtures;
import io.cta.consumer.config.ConsumerProperties.RetentionSettings;
import io.cta.consumer.metrics.ConsumerMetrics;
import io.cta.server.MongoBackend;
import io.cta.server.audit.AuditStore;
import io.cta.server.config.CtaServerProperties;
import io.cta.server.definition.Concurrency;
import io.cta.server.definition.DefinitionStore;
import io.cta.server.definition.Retention;
import io.cta.server.definition.ScenarioDocument;
import io.cta.server.execution.Counters;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.FileStore;
import io.cta.server.execution.LogChunkDocument;
import io.cta.server.execution.ResultDocument;
import io.cta.server.execution.ResultStore;
import io.cta.server.execution.StateEventDocument;
import io.cta.server.execution.SuiteSnapshot;
import io.cta.server.live.LiveFeedStore;
import io.cta.server.machine.MachineStore;
import io.cta.server.machine.PoolStore;
import io.cta.server.notification.Delivery;
import io.cta.server.notification.DeliveryStore;
import io.cta.server.scenario.ImportDocument;
import io.cta.server.scenario.ImportStore;
import io.cta.server.scenario.ScheduleDocument;
import io.cta.server.scenario.ScheduleStore;
import io.cta.server.scenario.SlotStore;
import io.cta.temporal.TaskQueues;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import reactor.core.publisher.Flux;

/**
 * Retention deletes ended executions beyond their limits with everything they stored, and nothing
 * else. The proof is generic: after a pass, no document of any collection mentions a deleted
 * execution, so an execution's data in a collection that retention forgets fails this test. Runs
 * against the embedded server ({@link RetentionEmbeddedTest}) and, where Docker runs, a real
 * MongoDB replica set ({@link RetentionReplicaSetTest}).
 */
abstract class RetentionContract {

  /**
   * Collections that outlive what they mention, by design: the live feed is a ring of the latest
   * 65,536 events of any kind that retires its oldest buckets itself, and the api's audit log keeps
   * who ran or canceled what.
   */
  private static final Set<String> OUTLIVE = Set.of("live-events", "audit");

  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private static final Duration MIN_AGE = Duration.ofHours(1);

  private final MongoBackend backend;
  private ReactiveMongoTemplate mongo;
  private ExecutionStore executions;
  private ResultStore results;
  private FileStore files;
  private DeliveryStore deliveries;
  private ImportStore imports;
  private PoolStore pools;
  private SlotStore slots;
  private ScheduleStore schedules;
  private MachineStore machines;
  private final List<String> reported = new ArrayList<>();

  RetentionContract(MongoBackend backend) {
    this.backend = backend;
  }

  @BeforeEach
  void setUp() {
    mongo = backend.newDatabase();
    LiveFeedStore live = new LiveFeedStore(mongo);
    executions = new ExecutionStore(mongo, live);
    results = new ResultStore(mongo);
    files = new FileStore(mongo);
    deliveries = new DeliveryStore(mongo);
    imports = new ImportStore(mongo);
    pools = new PoolStore(mongo);
    slots = new SlotStore(mongo);
    schedules = new ScheduleStore(mongo);
    machines = new MachineStore(mongo, live, new CtaServerProperties(null, null, null, null, null));
    machines
        .register(
            new RegisterRequest(
                Fixtures.MACHINE,
                "h",
                "127.0.0.1",
                "linux",
                "amd64",
                2,
                1L,
                "test",
                Map.of(),
                List.of(),
                1),
            NOW)
        .block();
  }

  private RetentionJob job(RetentionSettings settings, SimpleMeterRegistry registry) {
    return new RetentionJob(
        new DefinitionStore(mongo),
        new AuditStore(mongo),
        executions,
        results,
        files,
        deliveries,
        imports,
        pools,
        slots,
        schedules,
        machines,
        new ConsumerMetrics(registry),
        settings,
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static RetentionSettings days(int days) {
    return new RetentionSettings(days, null, null, MIN_AGE, null);
  }

  private static double deleted(SimpleMeterRegistry registry) {
    return registry.get(ConsumerMetrics.RETENTION_DELETED).counter().count();
  }

  /** A scenario with a schedule, as the api stores them. */
  private void scenario(String id, long lastNumber, Retention retention) {
    mongo
        .insert(
            new ScenarioDocument(
                id,
                id,
                null,
                "s1",
                "c1",
                60_000,
                60_000,
                0,
                null,
                List.of(),
                retention,
                lastNumber,
                NOW,
                NOW))
        .block();
    schedules.put(id, new ScheduleSpec("0 2 * * *", "UTC", null, null, 0), NOW).block();
  }

  /**
   * An execution with everything an execution stores, each through its own store: suite snapshot,
   * two buckets each of results and log chunks, state events, a delivery log, a concurrency slot, a
   * pool left open and a schedule event (as after a lost completion), and a place in the machine's
   * last heartbeat. An ended one ends {@code endedAgo} before now (not before its request).
   */
  private String stored(
      String scenarioId, long number, ExecutionState state, Duration age, Duration endedAgo) {
    Instant requestedAt = NOW.minus(age);
    ExecutionState initial =
        state == ExecutionState.pending ? ExecutionState.pending : ExecutionState.running;
    String id =
        Fixtures.insert(
                executions,
                Fixtures.execution(
                    scenarioId,
                    number,
                    initial,
                    requestedAt,
                    new Concurrency(100, Concurrency.WhenFull.queue)))
            .id();
    slots.acquire(scenarioId, id, requestedAt, 100).block();
    pools.open(new PoolStore.Pool(TaskQueues.pool(id), id, "os=linux")).block();
    results
        .appendResults(
            id,
            IntStream.range(0, 150)
                .mapToObj(
                    i ->
                        new ResultDocument(
                            ResultDocument.key(id, "t" + i, "", Fixtures.MACHINE, 1),
                            id,
                            "t" + i,
                            "",
                            Fixtures.MACHINE,
                            1,
                            TestStatus.ok,
                            null,
                            null,
                            10L,
                            List.of(),
                            List.of(),
                            Map.of(),
                            requestedAt,
                            requestedAt,
                            false,
                            requestedAt))
                .toList())
        .block();
    for (int i = 0; i < 2; i++) {
      files
          .store(
              new FileStore.Upload(
                  id,
                  "t1",
                  1,
                  Fixtures.MACHINE,
                  "screenshot",
                  "s" + i + ".png",
                  "image/png",
                  "k" + i),
              Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(new byte[300_000])))
          .block();
    }
    results
        .appendLogs(
            id,
            IntStream.range(0, 70)
                .mapToObj(
                    i ->
                        new LogChunkDocument(
                            "l" + i,
                            id,
                            "t1",
                            Fixtures.MACHINE,
                            1,
                            "run",
                            "stdout",
                            i,
                            "line",
                            requestedAt))
                .toList())
        .block();
    results
        .appendStates(
            id,
            List.of(
                new StateEventDocument("s1", id, Fixtures.MACHINE, "running", null, requestedAt)))
        .block();
    deliveries
        .append(
            id,
            new Delivery(
                0,
                NotificationType.webhook,
                "https://hooks.example.com/",
                1,
                Delivery.Status.delivered,
                204,
                null,
                null,
                requestedAt))
        .block();
    schedules
        .record(
            scenarioId,
            new ScheduleDocument.Event("started", requestedAt, "schedule", id, null, requestedAt),
            false)
        .block();
    if (state.isTerminal()) {
      Instant finishedAt = NOW.minus(endedAgo);
      executions
          .complete(
              id,
              state,
              "done",
              Counters.ZERO,
              TestStatus.ok,
              List.of(),
              requestedAt,
              finishedAt.isAfter(requestedAt) ? finishedAt : requestedAt)
          .block();
    }
    // As an import with a key journals it (its journal goes with it).
    imports
        .begin(
            new ImportDocument(
                ImportDocument.keyed(scenarioId, "key-" + id),
                scenarioId,
                "key-" + id,
                id,
                "sha",
                ImportDocument.State.imported,
                requestedAt,
                null))
        .block();
    reported.add(id);
    machines.heartbeat(Fixtures.MACHINE, reported, false, NOW).block();
    return id;
  }

  private String ended(String scenarioId, long number, Duration age) {
    return stored(scenarioId, number, ExecutionState.finished, age, age.minusMinutes(1));
  }

  /** Every document of every collection as JSON, by collection. */
  private Map<String, List<String>> everything() {
    return mongo
        .getCollectionNames()
        .filter(collection -> !OUTLIVE.contains(collection))
        .concatMap(
            collection ->
                mongo
                    .find(new Query(), Document.class, collection)
                    .map(Document::toJson)
                    .collectList()
                    .map(documents -> Map.entry(collection, documents)))
        .collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new)
        .block();
  }

  private Set<Object> fileIdsOfChunks() {
    return new java.util.HashSet<>(
        mongo
            .find(new Query(), Document.class, "fs.chunks")
            .map(chunk -> chunk.get("files_id"))
            .collectList()
            .block());
  }

  /** The collections with a document that mentions {@code id}. */
  private static Set<String> mentioning(Map<String, List<String>> everything, String id) {
    Set<String> found = new TreeSet<>();
    everything.forEach(
        (collection, documents) -> {
          if (documents.stream().anyMatch(json -> json.contains(id))) {
            found.add(collection);
          }
        });
    return found;
  }

  /**
   * Runs a pass and checks: nothing mentions a deleted execution any more, and every kept one is
   * still in every collection it was in.
   */
  private void assertSweepDeletes(
      RetentionJob job, List<String> deleted, List<String> kept, SimpleMeterRegistry registry) {
    Map<String, List<String>> before = everything();
    for (String id : deleted) {
      assertEquals(
          Set.of(
              "bucket-counters",
              "deliveries",
              "executions",
              "file-buckets",
              "file-keys",
              "file-usage",
              "fs.files",
              "imports",
              "log-buckets",
              "machines",
              "pools",
              "result-buckets",
              "scenario-slots",
              "schedules",
              "state-buckets",
              "suite-snapshots"),
          mentioning(before, id),
          "the test stores " + id + " everywhere an execution stores something");
    }

    Set<Object> chunksBefore = fileIdsOfChunks();
    assertEquals(deleted.size(), job.sweep().block());

    Map<String, List<String>> after = everything();
    for (String id : deleted) {
      assertEquals(Set.of(), mentioning(after, id), "left of deleted execution " + id);
    }
    // Chunks name their file, not its execution: every chunk left belongs to a file left.
    Set<Object> filesLeft =
        new java.util.HashSet<>(
            mongo
                .find(new Query(), Document.class, "fs.files")
                .map(f -> f.get("_id"))
                .collectList()
                .block());
    assertEquals(filesLeft, fileIdsOfChunks(), "chunks of deleted files");
    assertEquals(kept.size() * 2, filesLeft.size());
    assertTrue(chunksBefore.containsAll(filesLeft));
    for (String id : kept) {
      assertEquals(mentioning(before, id), mentioning(after, id), "kept execution " + id);
      assertNotNull(executions.findById(id).block(), id);
      assertEquals(150, results.results(id).collectList().block().size(), id);
      assertEquals(70, results.logs(id).collectList().block().size(), id);
      assertNotNull(executions.snapshot(id).block(), id);
    }
    assertEquals(deleted.size(), deleted(registry));
  }

  @Test
  void
      givenTheGlobalDays_whenSwept_thenOldEndedExecutionsGoWithEverythingTheyStoredAndNoOtherOne() {
    scenario("nightly", 6, null);
    String finished = ended("nightly", 1, Duration.ofDays(40));
    String timedOut =
        stored("nightly", 2, ExecutionState.timeout, Duration.ofDays(35), Duration.ofDays(35));
    String running = stored("nightly", 3, ExecutionState.running, Duration.ofDays(40), null);
    String pending = stored("nightly", 4, ExecutionState.pending, Duration.ofDays(40), null);
    String endedJustNow =
        stored("nightly", 5, ExecutionState.error, Duration.ofDays(40), Duration.ofMinutes(10));
    String recent = ended("nightly", 6, Duration.ofDays(2));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    assertSweepDeletes(
        job(days(30), registry),
        List.of(finished, timedOut),
        List.of(running, pending, endedJustNow, recent),
        registry);
  }

  @Test
  void givenCreationsThatDiedBetweenSnapshotAndExecution_whenSwept_thenNoOrphanSnapshotIsLeft() {
    String orphan = new ObjectId().toHexString();
    String young = new ObjectId().toHexString();
    Instant longAgo = NOW.minus(RetentionJob.ORPHAN_GRACE).minusSeconds(1);
    executions.createSnapshot(new SuiteSnapshot(orphan, Fixtures.suite(), null), longAgo).block();
    executions
        .createSnapshot(new SuiteSnapshot(young, Fixtures.suite(), null), NOW.minusSeconds(5))
        .block();
    // Its execution was stored; only the claim after it was lost.
    ExecutionDocument stored =
        executions
            .insert(Fixtures.execution(ExecutionState.pending, NOW.minusSeconds(700), 60_000))
            .block();
    executions
        .createSnapshot(new SuiteSnapshot(stored.id(), Fixtures.suite(), null), longAgo)
        .block();
    // An execution whose snapshot carries no mark (stored as before marks existed).
    String today = ended("nightly", 1, Duration.ofDays(1));

    job(new RetentionSettings(null, null, null, MIN_AGE, null), new SimpleMeterRegistry())
        .sweep()
        .block();

    assertNull(executions.snapshot(orphan).block(), "the orphan is deleted");
    assertEquals(
        Fixtures.suite().tests(),
        executions.snapshot(young).block().suite().tests(),
        "a creation may still be under way");
    assertNotNull(executions.snapshot(stored.id()).block());
    assertNotNull(executions.snapshot(today).block());
    assertEquals(
        List.of(young),
        executions.findUnclaimedSnapshots(NOW).collectList().block(),
        "the stored execution's snapshot is claimed");
  }

  @Test
  void givenImportsThatDiedBeforeTheirExecution_whenSwept_thenTheirResultsGoAndNoOtherImports() {
    Instant longAgo = NOW.minus(RetentionJob.ORPHAN_GRACE).minusSeconds(1);
    // The api died between the results and the execution's insert, long ago.
    String died = journal("died", ImportDocument.State.importing, longAgo, true);
    // One under way, and one whose retention pass stopped midway: abandoned, results still there.
    String young = journal("young", ImportDocument.State.importing, NOW.minusSeconds(5), true);
    String halfSwept = journal("half", ImportDocument.State.abandoned, longAgo, true);
    // Completed: its execution is stored, the journal only answers retries.
    String completed = journal("completed", ImportDocument.State.imported, null, false);
    // Its execution was stored; only the completion mark after it was lost.
    String unmarked = journal("unmarked", ImportDocument.State.importing, longAgo, false);

    job(new RetentionSettings(null, null, null, MIN_AGE, null), new SimpleMeterRegistry())
        .sweep()
        .block();

    for (String gone : List.of(died, halfSwept)) {
      assertEquals(List.of(), results.results(gone).collectList().block(), "results of " + gone);
      assertNull(executions.snapshot(gone).block(), "snapshot of " + gone);
      assertNull(imports.find(journalId(gone)).block(), "journal of " + gone);
    }
    assertEquals(1, results.results(young).collectList().block().size(), "an import under way");
    assertEquals(ImportDocument.State.importing, imports.find(journalId(young)).block().state());
    for (String kept : List.of(completed, unmarked)) {
      assertEquals(1, results.results(kept).collectList().block().size(), kept);
      assertNotNull(executions.snapshot(kept).block(), kept);
      ImportDocument journal = imports.find(journalId(kept)).block();
      assertEquals(ImportDocument.State.imported, journal.state(), kept);
      assertNull(journal.unfinishedSince(), kept);
    }
  }

  private final Map<String, String> journals = new java.util.HashMap<>();

  /**
   * An import's journal, with a result and a snapshot stored for its execution, and the execution
   * itself unless {@code died}; answers the execution's id.
   */
  private String journal(
      String key, ImportDocument.State state, Instant unfinishedSince, boolean died) {
    String id = new ObjectId().toHexString();
    String journalId = ImportDocument.keyed("imported", key);
    journals.put(id, journalId);
    imports
        .begin(
            new ImportDocument(
                journalId,
                "imported",
                key,
                id,
                "sha",
                state,
                NOW.minusSeconds(3600),
                unfinishedSince))
        .block();
    executions.createSnapshot(new SuiteSnapshot(id, Fixtures.suite(), null), NOW).block();
    results
        .appendResults(id, List.of(Fixtures.result(id, "t1", "import", 1, TestStatus.ok, 10L)))
        .block();
    if (!died) {
      ExecutionDocument execution =
          Fixtures.execution(ExecutionState.finished, NOW.minusSeconds(3600), 60_000).toBuilder()
              .id(id)
              .build();
      executions.insertEnded(execution, false).block();
    }
    return id;
  }

  private String journalId(String executionId) {
    return journals.get(executionId);
  }

  @Test
  void givenAPassThatStoppedMidway_whenTheNextPassRuns_thenItFinishesTheExecution() {
    scenario("nightly", 2, null);
    String halfDeleted = ended("nightly", 1, Duration.ofDays(40));
    String kept = ended("nightly", 2, Duration.ofDays(1));
    // What a pass deletes first is gone; the execution's document, deleted last, is still there.
    results.delete(halfDeleted).block();
    executions.deleteSnapshot(halfDeleted).block();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    assertEquals(1, job(days(30), registry).sweep().block());

    assertEquals(Set.of(), mentioning(everything(), halfDeleted));
    assertNotNull(executions.findById(kept).block());
  }

  @Test
  void givenAScenarioKeepingItsLastExecutions_whenSwept_thenItsOlderEndedOnesGoWhateverTheirAge() {
    scenario("a", 6, new Retention(null, 3));
    scenario("b", 2, null);
    String a1 = ended("a", 1, Duration.ofDays(10));
    String a2 = stored("a", 2, ExecutionState.running, Duration.ofDays(10), null);
    String a3 = ended("a", 3, Duration.ofDays(10));
    String a4 = ended("a", 4, Duration.ofDays(10));
    String a5 = ended("a", 5, Duration.ofDays(10));
    String a6 = ended("a", 6, Duration.ofDays(10));
    String b1 = ended("b", 1, Duration.ofDays(10));
    String b2 = ended("b", 2, Duration.ofHours(2));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    // The global 1 day applies to b only: a's own retention replaces it.
    assertSweepDeletes(
        job(days(1), registry), List.of(a1, a3, b1), List.of(a2, a4, a5, a6, b2), registry);
  }

  @Test
  void givenAScenarioKeepingDays_whenSwept_thenItsOlderOnesGoAndTheGlobalLimitDoesNotApplyToIt() {
    scenario("c", 3, new Retention(10, null));
    scenario("d", 3, null);
    String c1 = ended("c", 1, Duration.ofDays(20));
    String c2 = ended("c", 2, Duration.ofDays(5));
    String c3 = ended("c", 3, Duration.ofDays(2));
    String d1 = ended("d", 1, Duration.ofDays(2));
    String d2 = ended("d", 2, Duration.ofDays(2));
    String d3 = ended("d", 3, Duration.ofDays(2));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    assertSweepDeletes(
        job(new RetentionSettings(null, 1, null, MIN_AGE, null), registry),
        List.of(c1, d1, d2),
        List.of(c2, c3, d3),
        registry);
  }

  @Test
  void givenAuditDays_whenSwept_thenOlderAuditEntriesAreDeletedAndNewerOnesKept() {
    // As the api's AuditLog stores them: its String ids are ObjectId hex, which Spring stores as
    // ObjectIds.
    ObjectId old = new ObjectId(Date.from(NOW.minus(Duration.ofDays(31))));
    ObjectId recent = new ObjectId(Date.from(NOW.minus(Duration.ofDays(29))));
    for (ObjectId id : List.of(old, recent)) {
      mongo.insert(new Document("_id", id).append("path", "/api/v1/scenarios"), "audit").block();
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    job(days(400), registry).sweep().block();
    assertEquals(List.of(old, recent), auditIds(), "no audit limit: every entry stays");

    job(new RetentionSettings(null, null, null, MIN_AGE, 30), registry).sweep().block();
    assertEquals(List.of(recent), auditIds());
  }

  private List<ObjectId> auditIds() {
    return mongo
        .find(new Query(), Document.class, "audit")
        .map(d -> d.getObjectId("_id"))
        .sort()
        .collectList()
        .block();
  }

  @Test
  void givenNoLimits_whenSwept_thenNothingIsDeleted() {
    scenario("e", 2, null);
    String old = ended("e", 1, Duration.ofDays(3_000));
    String other = ended("e", 2, Duration.ofDays(2_000));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    assertSweepDeletes(
        job(new RetentionSettings(null, null, null, MIN_AGE, null), registry),
        List.of(),
        List.of(old, other),
        registry);
  }

  @Test
  void givenTwoConsumers_whenTheySweepAtOnce_thenEveryExecutionIsDeletedAndCountedOnce() {
    scenario("f", 12, null);
    List<String> expired = new ArrayList<>();
    for (int number = 1; number <= 11; number++) {
      expired.add(ended("f", number, Duration.ofDays(3)));
    }
    String last = ended("f", 12, Duration.ofDays(3));
    RetentionSettings keepOne = new RetentionSettings(null, 1, null, MIN_AGE, null);
    SimpleMeterRegistry first = new SimpleMeterRegistry();
    SimpleMeterRegistry second = new SimpleMeterRegistry();

    long deleted =
        Flux.merge(job(keepOne, first).sweep(), job(keepOne, second).sweep())
            .reduce(0L, Long::sum)
            .block();

    assertEquals(expired.size(), deleted);
    assertEquals(expired.size(), deleted(first) + deleted(second));
    Map<String, List<String>> after = everything();
    for (String id : expired) {
      assertEquals(Set.of(), mentioning(after, id), "left of deleted execution " + id);
    }
    assertNotNull(executions.findById(last).block());
  }
}
