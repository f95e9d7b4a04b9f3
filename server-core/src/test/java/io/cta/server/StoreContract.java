package io.cta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.activities.ExecutionState;
import io.cta.activities.RunMode;
import io.cta.activities.StartRule;
import io.cta.activities.TestStatus;
import io.cta.activities.notification.NotificationType;
import io.cta.activities.schedule.ScheduleSpec;
import io.cta.server.audit.AuditStore;
import io.cta.server.audit.AuditStore.AuditEntry;
import io.cta.server.definition.SelectorTarget;
import io.cta.server.execution.Counters;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionLifecycle;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.LogChunkDocument;
import io.cta.server.execution.MachineRun;
import io.cta.server.execution.MachineRunState;
import io.cta.server.execution.ResultDocument;
import io.cta.server.execution.ResultStore;
import io.cta.server.execution.StateEventDocument;
import io.cta.server.execution.StoredFile;
import io.cta.server.live.LiveEvent;
import io.cta.server.live.LiveFeedStore;
import io.cta.server.machine.Labels;
import io.cta.server.machine.MachineDocument;
import io.cta.server.machine.PoolStore;
import io.cta.server.notification.Delivery;
import io.cta.server.notification.DeliveryStore;
import io.cta.server.scenario.ScheduleDocument;
import io.cta.server.scenario.ScheduleStore;
import io.cta.server.scenario.SlotStore;
import io.cta.server.security.CtaPrincipal;
import io.cta.server.security.Role;
import io.cta.server.security.TicketStore;
import io.cta.server.security.TokenStore;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import reactor.core.publisher.Flux;

/**
 * What CTA's stores promise, whatever MongoDB serves them: conditional state changes that let
 * exactly one of several writers through, appends that lose nothing under concurrency, key lookups
 * by design. One suite, run against the embedded server ({@link StoresEmbeddedTest}) and, where a
 * Docker engine runs, a real MongoDB replica set ({@link StoresReplicaSetTest}), so a behaviour
 * that only the embedded server has cannot hide.
 */
abstract class StoreContract {

  private static final Instant AT = Instant.parse("2026-11-27T10:00:00Z");

  private final MongoBackend backend;
  private ReactiveMongoTemplate mongo;
  private LiveFeedStore live;
  private ExecutionStore executions;
  private ResultStore results;

  StoreContract(MongoBackend backend) {
    this.backend = backend;
  }

  @BeforeEach
  void setUp() {
    mongo = backend.newDatabase();
    live = new LiveFeedStore(mongo);
    executions = new ExecutionStore(mongo, live);
    results = new ResultStore(mongo);
  }

  // ExecutionStore

  @Test
  void
      givenAResultTicketTakenAfterTheCount_whenCompletingCounted_thenNothingEndsUntilCountedAgain() {
    String id =
        executions
            .insert(Fixtures.execution(ExecutionState.running, Instant.now(), 60_000))
            .block()
            .id();
    ExecutionStore.ResultTickets counted = executions.resultTickets(id).block();
    assertEquals(new ExecutionStore.ResultTickets(0, 0), counted, "a document without tickets");
    assertTrue(executions.takeResultTicket(id).block());

    ExecutionDocument stale =
        executions
            .completeCounted(
                id,
                counted,
                ExecutionState.finished,
                null,
                Counters.ZERO,
                null,
                List.of(),
                null,
                AT)
            .block();
    executions.resultTicketStored(id).block();
    ExecutionStore.ResultTickets recounted = executions.resultTickets(id).block();
    ExecutionDocument ended =
        executions
            .completeCounted(
                id,
                recounted,
                ExecutionState.finished,
                null,
                new Counters(1, 0, 0, 0),
                TestStatus.ok,
                List.of(),
                null,
                AT)
            .block();

    assertNull(stale, "a ticket was taken since the count");
    assertEquals(new ExecutionStore.ResultTickets(1, 1), recounted);
    assertEquals(ExecutionState.finished, ended.state());
    assertFalse(executions.takeResultTicket(id).block(), "an ended execution gives no ticket");
  }

  @Test
  void
      givenARunningExecution_whenItEndsTwice_thenTheFirstTerminalWriteWinsAndNothingMovesItAfter() {
    ExecutionDocument execution =
        executions
            .insert(Fixtures.execution(ExecutionState.running, Instant.now(), 60_000))
            .block();
    Instant end = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    ExecutionDocument finished =
        executions
            .complete(
                execution.id(),
                ExecutionState.finished,
                "first",
                new Counters(1, 0, 0, 0),
                TestStatus.ok,
                List.of(),
                null,
                end)
            .block();
    ExecutionDocument again =
        executions
            .complete(
                execution.id(),
                ExecutionState.error,
                "second",
                Counters.ZERO,
                null,
                List.of(),
                null,
                end)
            .block();
    ExecutionDocument canceled =
        executions
            .requestCancel(execution.id(), new ExecutionDocument.Cancellation("admin", "late", end))
            .block();
    executions
        .setMachines(execution.id(), List.of(new MachineRun("1", "m1", MachineRunState.pending)))
        .block();

    assertEquals(ExecutionState.finished, finished.state());
    assertNull(again, "a second terminal write changes nothing");
    assertNull(canceled, "an ended execution takes no cancel");
    ExecutionDocument stored = executions.findById(execution.id()).block();
    assertEquals(ExecutionState.finished, stored.state());
    assertEquals("first", stored.reason());
    assertEquals(end, stored.finishedAt());
    assertEquals(List.of(), stored.machines(), "machines are set only while pending");
  }

  @Test
  void givenAStressExecution_whenItsMachinesStartAtOnce_thenExactlyOneCallStartsIt() {
    for (int round = 0; round < 10; round++) {
      ExecutionDocument execution =
          executions
              .insert(
                  Fixtures.execution(
                      ExecutionState.pending,
                      Instant.now(),
                      60_000,
                      RunMode.stress,
                      new SelectorTarget("os=linux"),
                      false))
              .block();
      List<String> names = List.of("m1", "m2", "m3");
      executions
          .setMachines(
              execution.id(),
              names.stream().map(n -> new MachineRun(n, n, MachineRunState.pending)).toList())
          .block();

      List<ExecutionDocument> started =
          Flux.fromIterable(names)
              .flatMap(n -> executions.markMachineRunning(execution.id(), n, n, AT), 3)
              .collectList()
              .block();

      assertEquals(1, started.size(), "round " + round + ": " + started);
      ExecutionDocument stored = executions.findById(execution.id()).block();
      assertEquals(ExecutionState.running, stored.state());
      assertTrue(stored.machines().stream().allMatch(m -> m.state() == MachineRunState.running));
    }
  }

  @Test
  void givenAStressMachineLostBeforeItStarted_whenTheOthersStart_thenTheStoreStartsAsTheWorkflow() {
    ExecutionLifecycle lifecycle = new ExecutionLifecycle(executions);
    List<String> names = List.of("m1", "m2", "m3");
    // The loss comes last, then first: either way the stored execution starts with its last part.
    for (boolean lossLast : List.of(true, false)) {
      ExecutionDocument execution = pendingStress(names);
      List<ExecutionDocument> starts = new ArrayList<>();
      if (!lossLast) {
        lifecycle.machineLost(execution.id(), "m3", AT).doOnNext(starts::add).block();
      }
      lifecycle.machineStarted(execution.id(), "m1", "m1", AT).doOnNext(starts::add).block();
      lifecycle.machineStarted(execution.id(), "m2", "m2", AT).doOnNext(starts::add).block();
      if (lossLast) {
        assertEquals(
            ExecutionState.pending,
            executions.findById(execution.id()).block().state(),
            "m3 neither started nor was lost yet");
        lifecycle
            .machineLost(execution.id(), "m3", AT.plusSeconds(4))
            .doOnNext(starts::add)
            .block();
      }

      ExecutionDocument stored = executions.findById(execution.id()).block();
      assertEquals(1, starts.size(), "exactly one transition started it: " + starts);
      assertEquals(ExecutionState.running, stored.state(), "lossLast " + lossLast);
      assertEquals(lossLast ? AT.plusSeconds(4) : AT, stored.startedAt());
      // The workflow's rule over what it saw: two machines started, one lost.
      assertTrue(StartRule.started(RunMode.stress, 3, 2, 1));
      assertNull(
          lifecycle.machineLost(execution.id(), "m3", AT.plusSeconds(9)).block(),
          "a repeated report starts nothing again");
      assertEquals(
          lossLast ? AT.plusSeconds(4) : AT,
          executions.findById(execution.id()).block().startedAt());
    }
  }

  private ExecutionDocument pendingStress(List<String> names) {
    ExecutionDocument execution =
        executions
            .insert(
                Fixtures.execution(
                    ExecutionState.pending,
                    Instant.now(),
                    60_000,
                    RunMode.stress,
                    new SelectorTarget("os=linux"),
                    false))
            .block();
    executions
        .setMachines(
            execution.id(),
            names.stream().map(n -> new MachineRun(n, n, MachineRunState.pending)).toList())
        .block();
    return execution;
  }

  @Test
  void
      givenNumberedExecutions_whenLookingBack_thenThePreviousEndedOneComesAndNoNumberIsTakenTwice() {
    Instant now = Instant.now();
    List<ExecutionDocument> stored = new ArrayList<>();
    for (ExecutionState state :
        List.of(
            ExecutionState.finished,
            ExecutionState.timeout,
            ExecutionState.running,
            ExecutionState.finished)) {
      stored.add(
          executions.insert(Fixtures.execution("sc", stored.size() + 1, state, now, null)).block());
    }

    assertEquals(
        stored.get(1).id(), executions.findPreviousEnded("sc", 4).block().id(), "skips running");
    assertEquals(stored.get(0).id(), executions.findPreviousEnded("sc", 2).block().id());
    assertNull(executions.findPreviousEnded("sc", 1).block());
    assertThrows(
        DuplicateKeyException.class,
        () ->
            executions
                .insert(Fixtures.execution("sc", 3, ExecutionState.pending, now, null))
                .block(),
        "the unique scenario_number index");
  }

  @Test
  void givenExecutionsInSeveralStates_whenCounted_thenEachStateHasItsCountAndOldestRequest() {
    Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    executions.insert(Fixtures.execution(ExecutionState.pending, base.minusSeconds(30), 1)).block();
    executions.insert(Fixtures.execution(ExecutionState.pending, base.minusSeconds(90), 1)).block();
    executions.insert(Fixtures.execution(ExecutionState.running, base.minusSeconds(10), 1)).block();

    Map<ExecutionState, ExecutionStore.StateCount> counts =
        executions.countByState().collectMap(ExecutionStore.StateCount::state).block();

    assertEquals(2, counts.size(), counts.toString());
    assertEquals(2, counts.get(ExecutionState.pending).count());
    assertEquals(base.minusSeconds(90), counts.get(ExecutionState.pending).oldestRequestedAt());
    assertEquals(1, counts.get(ExecutionState.running).count());
  }

  // ResultStore

  private static ResultDocument result(String executionId, String testId, TestStatus status) {
    return new ResultDocument(
        ResultDocument.key(executionId, testId, "", Fixtures.MACHINE, 1),
        executionId,
        testId,
        "",
        Fixtures.MACHINE,
        1,
        status,
        null,
        null,
        1L,
        List.of(),
        List.of(),
        Map.of(),
        AT,
        AT,
        false,
        AT);
  }

  private List<String> ids(String collection) {
    return mongo
        .find(new Query(), Document.class, collection)
        .map(d -> String.valueOf(d.get("_id")))
        .collectList()
        .block();
  }

  @Test
  void givenConcurrentAppendsToOneExecution_whenReadBack_thenEveryEntryIsThereOnce() {
    String id = "e-concurrent";
    List<List<ResultDocument>> batches =
        IntStream.range(0, 20)
            .mapToObj(
                b ->
                    IntStream.range(0, 7)
                        .mapToObj(i -> result(id, "t" + (b * 7 + i), TestStatus.ok))
                        .toList())
            .toList();
    Flux.fromIterable(batches).flatMap(b -> results.appendResults(id, b), 20).blockLast();
    // A later report of t0: later only once the first one is stored (concurrent ones have no
    // order).
    results.appendResults(id, List.of(result(id, "t0", TestStatus.failed))).block();

    List<ResultDocument> read = results.results(id).collectList().block();
    assertEquals(140, read.size());
    assertEquals(140, read.stream().map(ResultDocument::testId).distinct().count());
    assertEquals(
        TestStatus.failed,
        read.stream().filter(r -> r.testId().equals("t0")).findFirst().get().status());
    // 141 entries appended fill buckets 0 and 1 (100 each), all read by _id.
    assertEquals(List.of(id + ":0", id + ":1"), ids("result-buckets").stream().sorted().toList());
  }

  @Test
  void givenEntriesWithEveryFieldOrNone_whenReadBack_thenEachIsWhatWasAppended() {
    String id = "e-fields";
    Map<String, String> custom = new LinkedHashMap<>();
    custom.put("java.version", "21"); // a JUnit report property: dots
    custom.put("$where", "x"); // and a leading dollar are kept as they are
    custom.put("empty", null);
    ResultDocument full =
        new ResultDocument(
            ResultDocument.key(id, "t1", "case 1", Fixtures.MACHINE, 2),
            id,
            "t1",
            "case 1",
            Fixtures.MACHINE,
            2,
            TestStatus.partial,
            "message",
            "description",
            1234L,
            List.of(new StoredFile("f1", "a.txt", 3)),
            List.of(new StoredFile("f2", "s.png", 4), new StoredFile("f3", "t.png", 5)),
            custom,
            AT,
            AT.plusMillis(1234),
            true,
            AT.plusSeconds(2));
    ResultDocument bare =
        new ResultDocument(
            "an id that is not the counting key",
            id,
            "t2",
            null,
            Fixtures.MACHINE,
            1,
            TestStatus.ok,
            null,
            null,
            null,
            List.of(),
            List.of(),
            Map.of(),
            null,
            null,
            false,
            AT);
    LogChunkDocument chunk =
        new LogChunkDocument("l1", id, "t1", Fixtures.MACHINE, 2, "run", "stderr", 7, "x\n", AT);
    StateEventDocument state =
        new StateEventDocument("s1", id, Fixtures.MACHINE, "failed", "exit 3", AT);

    results.appendResults(id, List.of(full, bare)).block();
    results.appendLogs(id, List.of(chunk)).block();
    results.appendStates(id, List.of(state)).block();

    assertEquals(List.of(full, bare), results.results(id).collectList().block());
    assertEquals(List.of(chunk), results.logs(id).collectList().block());
    assertEquals(List.of(state), results.states(id).collectList().block());
  }

  @Test
  void givenBucketsAnEarlierVersionWrote_whenRead_thenTheirEntriesReadAsBefore() {
    String id = "e-earlier";
    // As Spring's mapping wrote them: every id and execution id, custom values as a document.
    mongo
        .insert(
            new Document("_id", id + ":0")
                .append("n", 0L)
                .append(
                    "entries",
                    List.of(
                        new Document("_id", "stored key")
                            .append("executionId", id)
                            .append("testId", "t1")
                            .append("case", "")
                            .append("machine", Fixtures.MACHINE)
                            .append("attempt", 1)
                            .append("status", "failed")
                            .append("durationMs", 5L)
                            .append(
                                "attachments",
                                List.of(
                                    new Document("_id", "f1")
                                        .append("name", "a.txt")
                                        .append("size", 3L)))
                            .append("screenshots", List.of())
                            .append("custom", new Document("build", "7"))
                            .append("startedAt", java.util.Date.from(AT))
                            .append("late", false)
                            .append("receivedAt", java.util.Date.from(AT)))),
            "result-buckets")
        .block();
    mongo
        .insert(new Document("_id", "result-buckets:" + id).append("count", 1L), "bucket-counters")
        .block();

    assertEquals(
        List.of(
            new ResultDocument(
                "stored key",
                id,
                "t1",
                "",
                Fixtures.MACHINE,
                1,
                TestStatus.failed,
                null,
                null,
                5L,
                List.of(new StoredFile("f1", "a.txt", 3)),
                List.of(),
                Map.of("build", "7"),
                AT,
                null,
                false,
                AT)),
        results.results(id).collectList().block());
  }

  @Test
  void
      givenTwoExecutions_whenOnesRecordsAreDeleted_thenNoBucketOrCounterOfItIsLeftAndTheOtherKeepsAll() {
    for (String id : List.of("gone", "kept")) {
      results.appendResults(id, List.of(result(id, "t1", TestStatus.ok))).block();
      results
          .appendLogs(
              id,
              List.of(
                  new LogChunkDocument(
                      "l", id, "t1", Fixtures.MACHINE, 1, "run", "out", 0, "x", AT)))
          .block();
      results
          .appendStates(
              id, List.of(new StateEventDocument("s", id, Fixtures.MACHINE, "running", null, AT)))
          .block();
    }

    results.delete("gone").block();
    results.delete("gone").block(); // a second delete (another consumer) is harmless

    for (String collection :
        List.of("result-buckets", "log-buckets", "state-buckets", "bucket-counters")) {
      List<String> left = ids(collection);
      assertTrue(left.stream().noneMatch(key -> key.contains("gone")), collection + ": " + left);
      assertTrue(left.stream().anyMatch(key -> key.contains("kept")), collection + ": " + left);
    }
    assertEquals(List.of(), results.results("gone").collectList().block());
    assertEquals(1, results.results("kept").collectList().block().size());
    assertEquals(1, results.logs("kept").collectList().block().size());
    assertEquals(1, results.states("kept").collectList().block().size());
  }

  @Test
  void givenAnAppendStillInFlight_whenTheLogIsTailed_thenTheTailWaitsForItInsteadOfSkippingIt() {
    String id = "tailed";
    List<LogChunkDocument> first = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      first.add(
          new LogChunkDocument("a" + i, id, "t1", Fixtures.MACHINE, 1, "run", "out", i, "a", AT));
    }
    results.appendLogs(id, first).block();
    // Another appender reserved the rest of bucket 0 and has not pushed yet; a later append fills
    // bucket 1 meanwhile.
    mongo
        .findAndModify(
            Query.query(Criteria.where("_id").is("log-buckets:" + id)),
            new Update().inc("count", ResultStore.LOGS_PER_BUCKET - 10),
            Document.class,
            "bucket-counters")
        .block();
    results
        .appendLogs(
            id,
            List.of(
                new LogChunkDocument(
                    "b", id, "t1", Fixtures.MACHINE, 1, "run", "out", 99, "b", AT)))
        .block();
    ResultStore.LogFilter any = new ResultStore.LogFilter(null, null, null);

    ResultStore.LogPage running = results.logsAfter(id, 0, 500, any, false).block();
    ResultStore.LogPage ended = results.logsAfter(id, 0, 500, any, true).block();

    assertEquals(10, running.items().size());
    assertNull(running.next(), "the end of what can be read now");
    assertEquals(11, ended.items().size(), "once ended, a short bucket no longer stops the read");
    assertEquals(ResultStore.LOGS_PER_BUCKET + 1, ended.items().get(10).position());
    assertEquals(0, results.logsAfter(id, 10_000, 10, any, true).block().items().size());
  }

  // SlotStore

  @Test
  void givenTwentyExecutionsRacingForThreeSlots_whenTheyAcquire_thenExactlyThreeHoldOne() {
    SlotStore slots = new SlotStore(mongo);

    List<Boolean> taken =
        Flux.range(0, 20)
            .flatMap(i -> slots.acquire("race", "e" + i, AT.plusMillis(i), 3), 20)
            .collectList()
            .block();

    assertEquals(3, taken.stream().filter(t -> t).count());
    assertEquals(3, slots.holders("race").block().size());
  }

  @Test
  void givenOneSlotAndTwoWaiters_whenItFrees_thenTheEarlierRequestGetsItWhateverTheRetryOrder() {
    SlotStore slots = new SlotStore(mongo);
    assertTrue(slots.acquire("fair", "holder", AT, 1).block());
    assertFalse(slots.acquire("fair", "early", AT.plusSeconds(1), 1).block());
    assertFalse(slots.acquire("fair", "late", AT.plusSeconds(2), 1).block());

    slots.release("fair", "holder", AT).block();

    assertFalse(
        slots.acquire("fair", "late", AT.plusSeconds(2), 1).block(), "early is first in line");
    assertTrue(slots.acquire("fair", "early", AT.plusSeconds(1), 1).block());
    slots.release("fair", "early", AT.plusSeconds(1)).block();
    assertTrue(slots.acquire("fair", "late", AT.plusSeconds(2), 1).block());
  }

  @Test
  void givenAHolder_whenItAcquiresAgainOrReleases_thenItIsIdempotentAndFreesTheSlot() {
    SlotStore slots = new SlotStore(mongo);

    assertTrue(slots.acquire("one", "a", AT, 1).block());
    assertTrue(slots.acquire("one", "a", AT, 1).block(), "a retried acquire keeps the slot");
    assertFalse(slots.acquire("one", "b", AT, 1).block());
    assertEquals(List.of("a"), slots.holders("one").block());
    slots.release("one", "a", AT).block();
    slots.release("one", "a", AT).block(); // a second release frees nothing more
    assertTrue(slots.acquire("one", "b", AT, 1).block());
    assertFalse(slots.acquire("one", "c", AT, 1).block());
  }

  // LiveFeedStore

  @Test
  void givenConcurrentPublishers_whenTheFeedIsRead_thenEveryEventIsThereOnceInEachWritersOrder() {
    int writers = 10;
    int events = 20;

    Flux.range(0, writers)
        .flatMap(
            w ->
                live.publish(
                    IntStream.range(0, events)
                        .mapToObj(
                            i ->
                                new LiveFeedStore.Draft(
                                    LiveEvent.LOGS, "writer-" + w, Map.<String, Object>of("i", i)))
                        .toList()),
            writers)
        .blockLast();

    long head = live.head().block();
    List<LiveEvent> read = live.read(0, head).collectList().block();
    assertEquals(writers * events, head);
    assertEquals(seqs(1, head), read.stream().map(LiveEvent::seq).toList(), "every number once");
    Map<String, List<Object>> byWriter =
        read.stream()
            .collect(
                Collectors.groupingBy(
                    LiveEvent::executionId,
                    Collectors.mapping(e -> e.data().get("i"), Collectors.toList())));
    for (List<Object> order : byWriter.values()) {
      assertEquals(IntStream.range(0, events).boxed().map(Object.class::cast).toList(), order);
    }
    assertEquals(seqs(101, 150), live.read(100, 150).map(LiveEvent::seq).collectList().block());
  }

  @Test
  void givenMoreEventsThanItKeeps_whenPublished_thenTheOldestAreRemovedInSixtyFoursByKey() {
    LiveFeedStore feed = new LiveFeedStore(mongo, 128);
    for (int batch = 0; batch < 5; batch++) {
      feed.publish(
              IntStream.range(0, 100)
                  .mapToObj(
                      i -> new LiveFeedStore.Draft(LiveEvent.LOGS, "e", Map.<String, Object>of()))
                  .toList())
          .block();
    }

    // The writers of 192, 256, ..., 448 removed 1-64, ..., 257-320.
    assertEquals(seqs(321, 500), feed.read(0, 500).map(LiveEvent::seq).collectList().block());
    assertEquals(180L, mongo.count(new Query(), "live-events").block(), "no other document");
    assertEquals(373, feed.oldestRetained(500));
  }

  @Test
  void givenBucketsAnEarlierVersionLeftInTheFeed_whenRead_thenOnlyEventsAreReturned() {
    // The earlier feed: head 100, events in buckets of 64 stored under numbers 0 and 1.
    for (long bucket = 0; bucket <= 1; bucket++) {
      mongo
          .insert(
              new Document("_id", bucket)
                  .append("events", List.of(new Document("seq", bucket * 64 + 1))),
              "live-events")
          .block();
    }
    mongo.insert(new Document("_id", "live").append("value", 100L), "live-sequence").block();

    live.publish(LiveEvent.EXECUTION, "e", Map.of()).block();

    assertEquals(List.of(101L), live.read(0, 101).map(LiveEvent::seq).collectList().block());
  }

  private static List<Long> seqs(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  // ScheduleStore

  @Test
  void givenASchedule_whenFiresAreRecorded_thenTheCursorNeverMovesBackAndTheLatestEventsAreKept() {
    ScheduleStore schedules = new ScheduleStore(mongo);
    schedules.put("nightly", new ScheduleSpec("0 2 * * *", "UTC", null, null, 0), AT).block();
    for (int fire = 1; fire <= 25; fire++) {
      Instant at = AT.plus(Duration.ofDays(fire));
      schedules
          .record(
              "nightly",
              new ScheduleDocument.Event("started", at, "schedule", "e" + fire, null, at),
              false)
          .block();
    }
    // A late record of an earlier fire (a retried activity) does not move the cursor back.
    schedules
        .record(
            "nightly",
            new ScheduleDocument.Event("missed", AT.plusSeconds(1), "schedule", null, null, AT),
            false)
        .block();

    ScheduleDocument stored = schedules.find("nightly").block();
    assertEquals(AT.plus(Duration.ofDays(25)), stored.cursor());
    assertEquals(ScheduleDocument.MAX_EVENTS, stored.events().size());
    assertEquals("e25", stored.lastExecutionId());
    assertEquals(
        List.of("nightly"), schedules.findLive().map(s -> s.scenarioId()).collectList().block());

    schedules.forget("nightly", "e25").block();
    schedules.forget("nightly", "e10").block();
    schedules.forget("nightly", "e1").block(); // no longer listed: harmless

    ScheduleDocument forgotten = schedules.find("nightly").block();
    assertNull(forgotten.lastExecutionId());
    assertEquals(ScheduleDocument.MAX_EVENTS, forgotten.events().size(), "fires stay listed");
    List<String> listed =
        forgotten.events().stream().map(ScheduleDocument.Event::executionId).toList();
    assertFalse(listed.contains("e25") || listed.contains("e10"), listed.toString());
    assertTrue(listed.contains("e24"), listed.toString());

    schedules
        .record(
            "nightly", new ScheduleDocument.Event("started", AT, "trigger", "x", null, AT), true)
        .block();
    assertEquals(List.of(), schedules.findLive().collectList().block(), "done");
  }

  // TokenStore, TicketStore

  @Test
  void givenAToken_whenRevoked_thenItNoLongerAuthenticates() {
    TokenStore tokens = new TokenStore(mongo);
    TokenStore.CreatedToken created = tokens.create("ci", Role.operator, null).block();

    CtaPrincipal principal = tokens.authenticate(created.secret()).block();
    assertEquals(new CtaPrincipal(created.token().id(), "ci", Role.operator, null), principal);
    assertNull(tokens.authenticate("not-" + created.secret()).block());

    assertTrue(tokens.revoke(created.token().id()).block());
    assertFalse(tokens.revoke(created.token().id()).block());
    assertNull(tokens.authenticate(created.secret()).block());
  }

  @Test
  void givenATicket_whenRedeemedTwiceAtOnceOrLate_thenExactlyOneRedemptionGetsIn() {
    TicketStore tickets = new TicketStore(mongo);
    CtaPrincipal viewer = new CtaPrincipal("t1", "dashboard", Role.viewer, null);
    Instant now = Instant.now();
    String ticket = tickets.issue(viewer, now).block().ticket();
    String late = tickets.issue(viewer, now).block().ticket();

    List<CtaPrincipal> redeemed =
        Flux.range(0, 5).flatMap(i -> tickets.redeem(ticket, now), 5).collectList().block();

    assertEquals(List.of(viewer), redeemed);
    assertNull(
        tickets.redeem(late, now.plus(TicketStore.LIFETIME).plusSeconds(1)).block(), "expired");
  }

  // PoolStore

  @Test
  void givenAnOpenPool_whenMachinesAskForTheirQueues_thenOnlyMatchingOnesGetItUntilItCloses() {
    PoolStore pools = new PoolStore(mongo, Duration.ZERO);
    pools.open(new PoolStore.Pool("cta-pool-e1", "e1", "os=linux,cores>=4")).block();
    pools.open(new PoolStore.Pool("cta-pool-e2", "e2", "os=macos")).block();
    MachineDocument linux = machine(Map.of("os", "linux", "cores", "8"), false);

    assertEquals(List.of("cta-pool-e1"), pools.queuesFor(linux).block());
    assertEquals(List.of(), pools.queuesFor(machine(Map.of("os", "linux"), false)).block());
    assertEquals(List.of(), pools.queuesFor(machine(linux.declared().properties(), true)).block());

    pools.close("cta-pool-e1").block();
    pools.close("cta-pool-e1").block(); // closed twice (complete and reconciler): harmless

    assertEquals(List.of(), pools.queuesFor(linux).block());
    assertEquals(1, pools.all().block().size());
  }

  private static MachineDocument machine(Map<String, String> properties, boolean draining) {
    return new MachineDocument(
        "m1",
        Fixtures.MACHINE,
        "h",
        "127.0.0.1",
        "linux",
        "amd64",
        2,
        1L,
        new Labels(properties, List.of()),
        Labels.EMPTY,
        1,
        "test",
        AT,
        AT,
        List.of(),
        draining,
        false);
  }

  // DeliveryStore

  @Test
  void givenMoreDeliveriesThanItKeeps_whenRead_thenTheLatestAreThereInOrderUntilDeleted() {
    DeliveryStore log = new DeliveryStore(mongo);
    for (int attempt = 1; attempt <= 205; attempt++) {
      log.append(
              "e1",
              new Delivery(
                  0,
                  NotificationType.webhook,
                  "https://hooks.example.com/",
                  attempt,
                  Delivery.Status.failed,
                  503,
                  null,
                  null,
                  AT))
          .block();
    }

    List<Delivery> kept = log.deliveries("e1").block();
    assertEquals(200, kept.size());
    assertEquals(6, kept.get(0).attempt());
    assertEquals(205, kept.get(199).attempt());

    log.delete("e1").block();
    assertEquals(List.of(), log.deliveries("e1").block());
  }

  // AuditStore

  @Test
  void givenEntriesFromTwoProcessesInOneSecond_whenListed_thenTheNewestComesFirst() {
    AuditStore audit = new AuditStore(mongo);
    // The api's ObjectId sorts after the consumer's although the consumer wrote later.
    AuditEntry api = audit("6b133a74c11abd8844fae261", AT, "POST");
    AuditEntry consumer = audit("6b133a747e0f45d4232db65e", AT.plusMillis(140), "USE");
    audit.append(List.of(api, consumer)).block();

    List<AuditEntry> listed = audit.find(null, "secrets", "db", 0, 10).collectList().block();

    assertEquals(List.of("USE", "POST"), listed.stream().map(AuditEntry::method).toList());
    assertEquals(2L, audit.count(null, "secrets", "db").block());
  }

  private static AuditEntry audit(String id, Instant at, String method) {
    return new AuditEntry(
        id,
        at,
        "t1",
        "ci",
        "admin",
        method,
        "/api/v1/secrets",
        "secrets",
        "db",
        200,
        null,
        null,
        null);
  }
}
