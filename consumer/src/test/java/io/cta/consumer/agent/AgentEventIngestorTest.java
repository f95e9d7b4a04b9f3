package io.cta.consumer.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.MongoServer;
import io.cta.activities.ExecutionState;
import io.cta.activities.RunMode;
import io.cta.activities.TestStatus;
import io.cta.activities.events.AgentEvent;
import io.cta.activities.events.BatchAck;
import io.cta.consumer.Fixtures;
import io.cta.consumer.metrics.ConsumerMetrics;
import io.cta.server.definition.GroupTarget;
import io.cta.server.definition.MachineTarget;
import io.cta.server.definition.SelectorTarget;
import io.cta.server.definition.Target;
import io.cta.server.error.InvalidInputException;
import io.cta.server.execution.Counters;
import io.cta.server.execution.Counting;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionLifecycle;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.FileStore;
import io.cta.server.execution.MachineRun;
import io.cta.server.execution.MachineRunState;
import io.cta.server.execution.ResultDocument;
import io.cta.server.execution.ResultStore;
import io.cta.server.execution.StoredFile;
import io.cta.server.live.LiveFeedStore;
import io.cta.server.machine.Labels;
import io.cta.server.machine.MachineDocument;
import io.cta.server.web.ProblemHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Ingestion into per-execution buckets: whatever an agent delivers twice or out of order is read
 * back once, the later report of a key wins, and an execution's records are a handful of documents
 * read by key.
 */
class AgentEventIngestorTest {

  private static MongoServer mongoServer;
  private ReactiveMongoTemplate mongo;
  private ExecutionStore executions;
  private ResultStore results;
  private FileStore files;
  private AgentEventIngestor ingestor;
  private final MachineDocument machine =
      new MachineDocument(
          "m1",
          Fixtures.MACHINE,
          "h",
          "127.0.0.1",
          "linux",
          "amd64",
          2,
          1L,
          Labels.EMPTY,
          Labels.EMPTY,
          1,
          "test",
          Instant.now(),
          Instant.now(),
          List.of(),
          false,
          false);

  @BeforeAll
  static void startMongo() {
    mongoServer = Fixtures.mongoServer();
  }

  @AfterAll
  static void stopMongo() {
    mongoServer.shutdownNow();
  }

  @BeforeEach
  void setUp() {
    mongo = Fixtures.mongo(mongoServer);
    LiveFeedStore live = new LiveFeedStore(mongo);
    executions = new ExecutionStore(mongo, live);
    results = new ResultStore(mongo);
    files = new FileStore(mongo);
    ingestor =
        new AgentEventIngestor(
            executions,
            new ExecutionLifecycle(executions),
            results,
            files,
            live,
            new ConsumerMetrics(new SimpleMeterRegistry()));
  }

  private ExecutionDocument running() {
    return Fixtures.insert(
        executions, Fixtures.execution(ExecutionState.running, Instant.now(), 60_000));
  }

  private static AgentEvent result(String executionId, int test, int attempt, String status) {
    return AgentEvent.result(
        "r-" + test + "-" + attempt + "-" + status,
        executionId,
        "t" + test,
        attempt,
        "",
        status,
        status + " on attempt " + attempt,
        1,
        2);
  }

  @Test
  void
      givenBatchesDeliveredTwiceAndOutOfOrder_whenReadBack_thenEveryResultLogAndStateIsThereOnce() {
    String id = running().id();
    List<AgentEvent> events = new ArrayList<>();
    events.add(AgentEvent.state("s-run", id, "running", 1));
    for (int test = 0; test < 250; test++) {
      events.add(result(id, test, 1, "ok"));
      events.add(AgentEvent.log("l-" + test, id, "t" + test, 1, "run", "stdout", test, "line", 2));
    }
    events.add(AgentEvent.state("s-end", id, "finished", 3));
    List<List<AgentEvent>> batches = new ArrayList<>();
    for (int i = 0; i < events.size(); i += 40) {
      batches.add(events.subList(i, Math.min(events.size(), i + 40)));
    }
    List<List<AgentEvent>> deliveries = new ArrayList<>(batches);
    deliveries.addAll(batches); // every batch again, as after lost answers
    Collections.shuffle(deliveries, new Random(7));

    for (List<AgentEvent> batch : deliveries) {
      assertEquals(batch.size(), ingestor.ingest(machine, batch).block().accepted());
    }

    List<ResultDocument> stored = results.results(id).collectList().block();
    assertEquals(250, stored.size());
    assertEquals(250, stored.stream().map(ResultDocument::testId).distinct().count());
    assertEquals(250, results.logs(id).collectList().block().size());
    assertEquals(
        List.of("running", "finished"),
        results.states(id).map(s -> s.state()).collectList().block());
    // 500 appended results (each twice) fit in 5 buckets of 100, read by _id.
    List<Object> buckets =
        mongo
            .find(new Query(), Document.class, "result-buckets")
            .map(d -> d.get("_id"))
            .collectList()
            .block();
    assertEquals(5, buckets.size(), buckets.toString());
    assertTrue(buckets.contains(id + ":4"), buckets.toString());
  }

  @Test
  void givenALaterReportAndARetry_whenReadBack_thenTheLaterReportWinsAndBothAttemptsAreKept() {
    String id = running().id();
    ingestor.ingest(machine, List.of(result(id, 1, 1, "failed"))).block();
    ingestor
        .ingest(
            machine,
            List.of(
                AgentEvent.result("again", id, "t1", 1, "", "partial", "re-reported", 1, 2),
                result(id, 1, 2, "ok")))
        .block();

    List<ResultDocument> stored = results.results(id).collectList().block();

    assertEquals(2, stored.size(), stored.toString());
    assertEquals(TestStatus.partial, stored.get(0).status());
    assertEquals(1, stored.get(0).attempt());
    assertEquals(TestStatus.ok, stored.get(1).status());
  }

  @Test
  void givenAnExecutionThatEndsBetweenItsReadAndTheAppend_whenIngested_thenTheResultIsStoredLate() {
    ExecutionDocument active = running();
    String id = active.id();
    // The ingestion reads the execution while it is active; complete ends it right after.
    ExecutionStore readBeforeTheEnd =
        new ExecutionStore(mongo, new LiveFeedStore(mongo)) {
          @Override
          public Mono<ExecutionDocument> findById(String executionId) {
            return executionId.equals(id) ? Mono.just(active) : super.findById(executionId);
          }
        };
    executions
        .complete(
            id, ExecutionState.finished, null, Counters.ZERO, null, List.of(), null, Instant.now())
        .block();

    new AgentEventIngestor(
            readBeforeTheEnd,
            new ExecutionLifecycle(readBeforeTheEnd),
            results,
            files,
            new LiveFeedStore(mongo),
            new ConsumerMetrics(new SimpleMeterRegistry()))
        .ingest(machine, List.of(result(id, 1, 1, "failed")))
        .block();

    List<ResultDocument> stored = results.results(id).collectList().block();
    assertEquals(1, stored.size());
    assertTrue(stored.get(0).late(), "not counted by complete, so it must be marked late");
    assertEquals(List.of(), Counting.counted(stored, false));
  }

  private StoredFile upload(String executionId, String name) {
    byte[] content = name.getBytes(StandardCharsets.UTF_8);
    return files
        .store(
            new FileStore.Upload(
                executionId, "t1", 1, Fixtures.MACHINE, "attachment", name, "text/plain", name),
            Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(content)))
        .block();
  }

  @Test
  void givenAResultWithEveryField_whenReadBack_thenItsOwnFilesCustomDataAndDurationAreKept() {
    String id = running().id();
    String other = running().id();
    List<String> attachments = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      attachments.add(upload(id, "app-" + i + ".log").id());
    }
    StoredFile shot = upload(id, "login.png");
    StoredFile foreign = upload(other, "theirs.png");
    ingestor
        .ingest(
            machine,
            List.of(
                AgentEvent.result("full", id, "t1", 1, "login", "failed", "no dashboard", 10, 1510)
                    .toBuilder()
                    .description("after 3 tries")
                    .durationMs(1500L)
                    .custom(Map.of("browser", "firefox", "java.version", "21", "$set", "x"))
                    .attachments(attachments)
                    .screenshots(
                        List.of(
                            shot.id(), foreign.id(), "000000000000000000000000", "../etc/passwd"))
                    .build()))
        .block();

    ResultDocument stored = results.results(id).blockFirst();

    assertEquals("login", stored.caseName());
    assertEquals("after 3 tries", stored.description());
    assertEquals(1500L, stored.durationMs());
    assertEquals(
        Map.of("browser", "firefox", "java.version", "21", "$set", "x"),
        stored.custom(),
        "keys with dots or a leading dollar (JUnit report properties) are kept");
    assertEquals(
        attachments.subList(0, 20), stored.attachments().stream().map(StoredFile::id).toList());
    assertEquals("app-0.log", stored.attachments().get(0).name());
    assertEquals(List.of(shot), stored.screenshots(), "only files of this execution");
  }

  private static MachineDocument machine(
      String name, Map<String, String> properties, String group) {
    return new MachineDocument(
        "id-" + name,
        name,
        "h",
        "127.0.0.1",
        "linux",
        "amd64",
        2,
        1L,
        new Labels(properties, group == null ? List.of() : List.of(group)),
        Labels.EMPTY,
        1,
        "test",
        Instant.now(),
        Instant.now(),
        List.of(),
        false,
        false);
  }

  /** A composed execution, not started yet: its machines are those listed at compose. */
  private ExecutionDocument composed(RunMode mode, Target target, String... listed) {
    ExecutionDocument execution =
        Fixtures.insert(
            executions,
            Fixtures.execution(ExecutionState.pending, Instant.now(), 60_000, mode, target, false));
    List<MachineRun> runs = new ArrayList<>();
    for (String name : listed) {
      runs.add(new MachineRun("id-" + name, name, MachineRunState.pending));
    }
    executions.setMachines(execution.id(), runs).block();
    return execution;
  }

  private static List<AgentEvent> startAndResult(String executionId, String machine) {
    return List.of(
        AgentEvent.state(
            "state/" + executionId + "/" + machine + "/running", executionId, "running", 1),
        result(executionId, 1, 1, "ok"));
  }

  private static void assertRefused(BatchAck ack, String executionId) {
    assertRefused(ack, executionId, 403);
  }

  private static void assertRefused(BatchAck ack, String executionId, int status) {
    BatchAck.Refusal refusal =
        ack.refused().stream()
            .filter(r -> r.executionId().equals(executionId))
            .findFirst()
            .orElseThrow(() -> new AssertionError(executionId + " not refused: " + ack));
    assertEquals(status, refusal.status());
    assertTrue(refusal.detail().contains(executionId), refusal.detail());
  }

  @Test
  void
      givenEventsOfAnotherMachinesAndOfAnUnknownExecution_whenIngested_thenOnlyThoseAreRefusedAndTheRestStored() {
    String mine = running().id();
    String theirs = composed(RunMode.mono, new MachineTarget("lab-02"), "lab-02").id();

    List<AgentEvent> batch = new ArrayList<>(startAndResult(mine, Fixtures.MACHINE));
    batch.add(result(theirs, 2, 1, "ok"));
    batch.add(AgentEvent.log("l-gone", "gone", "t", 1, "run", "stdout", 1, "x", 2));
    batch.add(result("gone", 3, 1, "ok"));
    BatchAck ack = ingestor.ingest(machine, batch).block();

    assertEquals(2, ack.accepted(), "the start and the result of the machine's own execution");
    assertEquals(2, ack.refused().size(), ack.toString());
    assertRefused(ack, theirs, 403);
    assertRefused(ack, "gone", 404);
    assertEquals(2, ack.refused().get(1).events());
    assertEquals(1, results.results(mine).count().block(), "stored despite the refusals");
    assertEquals(0, results.results(theirs).count().block());
  }

  @Test
  void givenAStateEventWithoutAState_whenIngested_thenA400NamesTheFieldAndNothingIsStored() {
    String id = running().id();
    List<AgentEvent> batch = new ArrayList<>();
    for (int test = 0; test < 3; test++) {
      batch.add(result(id, test, 1, "ok"));
    }
    batch.add(AgentEvent.state("s-broken", id, null, 1));

    InvalidInputException refused =
        assertThrows(InvalidInputException.class, () -> ingestor.ingest(machine, batch).block());

    assertEquals(400, ProblemHandler.status(refused).value());
    assertEquals("events[3].state: required", refused.getMessage());
    assertEquals(0, results.results(id).count().block(), "checked before anything is stored");
  }

  @Test
  void givenAnEventOfAnUnknownType_whenIngested_thenA400NamesTheFieldAndTheType() {
    String id = running().id();
    AgentEvent log = AgentEvent.log("l-1", id, "t", 1, "run", "stdout", 1, "x", 2);
    AgentEvent unknown =
        AgentEvent.builder().key("u-1").type("metric").executionId(id).at(1).build();

    InvalidInputException refused =
        assertThrows(
            InvalidInputException.class,
            () -> ingestor.ingest(machine, List.of(log, unknown)).block());

    assertEquals(400, ProblemHandler.status(refused).value());
    assertEquals("events[1].type: state, result or log, not 'metric'", refused.getMessage());
    assertEquals(0, results.logs(id).count().block());
  }

  @Test
  void
      givenAGroupOrSelectorExecution_whenAMatchingMachineSendsItsStartAndResults_thenTheyAreStored() {
    MachineDocument member = machine("lab-07", Map.of("os", "linux"), "linux");
    String group = composed(RunMode.group, new GroupTarget("linux"), "lab-01").id();
    String pool = composed(RunMode.parallel, new SelectorTarget("os=linux"), "lab-01").id();

    for (String id : List.of(group, pool)) {
      // Not listed at compose: it took work from the shared queue, started and reported at once.
      assertEquals(2, ingestor.ingest(member, startAndResult(id, "lab-07")).block().accepted());
      assertEquals(1, results.results(id).count().block());
      assertTrue(
          executions.findById(id).block().machines().stream()
              .anyMatch(run -> run.name().equals("lab-07")));
    }

    MachineDocument outsider = machine("lab-08", Map.of("os", "windows"), "windows");
    assertRefused(ingestor.ingest(outsider, startAndResult(group, "lab-08")).block(), group);
    assertRefused(ingestor.ingest(outsider, startAndResult(pool, "lab-08")).block(), pool);
  }

  @Test
  void givenAStressExecution_whenAGroupMemberItDidNotListReports_thenItIsRefused() {
    MachineDocument listed = machine("lab-07", Map.of(), "linux");
    MachineDocument latecomer = machine("lab-09", Map.of(), "linux");
    String id = composed(RunMode.stress, new GroupTarget("linux"), "lab-07").id();

    assertEquals(2, ingestor.ingest(listed, startAndResult(id, "lab-07")).block().accepted());
    assertRefused(ingestor.ingest(latecomer, startAndResult(id, "lab-09")).block(), id);
  }

  @Test
  void givenASupersededAttemptsResultArrivingLate_whenCounted_thenTheRetryStillWins() {
    String id = running().id();
    ingestor.ingest(machine, List.of(result(id, 1, 2, "ok"))).block();
    // Attempt 1's result, buffered on the agent while the consumer was down, comes after.
    ingestor.ingest(machine, List.of(result(id, 1, 1, "failed"))).block();

    List<ResultDocument> stored = results.results(id).collectList().block();

    assertEquals(2, stored.size(), "both attempts are kept");
    Counters counters = Counting.count(stored, false);
    assertEquals(1, counters.ok());
    assertEquals(0, counters.failed(), "the late attempt 1 does not count");
  }
}
