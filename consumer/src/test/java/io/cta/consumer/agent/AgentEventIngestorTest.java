package io.cta.consumer.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.MongoServer;
import io.cta.activities.ExecutionState;
import io.cta.activities.TestStatus;
import io.cta.activities.events.AgentEvent;
import io.cta.consumer.Fixtures;
import io.cta.consumer.metrics.ConsumerMetrics;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.ResultDocument;
import io.cta.server.execution.ResultStore;
import io.cta.server.live.LiveFeed;
import io.cta.server.machine.Labels;
import io.cta.server.machine.MachineDocument;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Query;

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
    LiveFeed live = new LiveFeed(mongo);
    executions = new ExecutionStore(mongo, live);
    results = new ResultStore(mongo);
    ingestor =
        new AgentEventIngestor(
            executions, results, live, new ConsumerMetrics(new SimpleMeterRegistry()));
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
  void givenAResultWithEveryField_whenReadBack_thenItsFilesCustomDataAndDurationAreKeptCapped() {
    String id = running().id();
    List<String> attachments = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      attachments.add("logs/app-" + i + ".log");
    }
    ingestor
        .ingest(
            machine,
            List.of(
                AgentEvent.result(
                    "full",
                    id,
                    "t1",
                    1,
                    "login",
                    "failed",
                    "no dashboard",
                    "after 3 tries",
                    1500L,
                    Map.of("browser", "firefox"),
                    attachments,
                    List.of("shots/login.png", "s".repeat(2000)),
                    10,
                    1510)))
        .block();

    ResultDocument stored = results.results(id).blockFirst();

    assertEquals("login", stored.caseName());
    assertEquals("after 3 tries", stored.description());
    assertEquals(1500L, stored.durationMs());
    assertEquals(Map.of("browser", "firefox"), stored.custom());
    assertEquals(attachments.subList(0, 20), stored.attachments());
    assertEquals("shots/login.png", stored.screenshots().get(0));
    assertEquals(1024 + "…[truncated]".length(), stored.screenshots().get(1).length());
  }
}
