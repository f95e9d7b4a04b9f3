package io.cta.api.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.reactivestreams.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.cta.activities.TestStatus;
import io.cta.server.config.CtaServerProperties;
import io.cta.server.config.MongoConversions;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.ResultDocument;
import io.cta.server.execution.ResultStore;
import io.cta.server.live.LiveFeedStore;
import io.cta.server.machine.MachineStore;
import io.cta.server.scenario.SlotStore;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.SimpleReactiveMongoDatabaseFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Why an execution waits, as GET /executions/{id} shows it. */
class ExecutionViewsTest {

  private static MongoServer server;

  @BeforeAll
  static void startMongo() {
    server = new MongoServer(new MemoryBackend());
    server.bind("127.0.0.1", 0);
  }

  @AfterAll
  static void stopMongo() {
    server.shutdownNow();
  }

  private final ReactiveMongoTemplate mongo =
      new ReactiveMongoTemplate(
          new SimpleReactiveMongoDatabaseFactory(
              MongoClients.create(server.getConnectionString()),
              "cta-" + new ObjectId().toHexString()),
          MongoConversions.converter());

  private final ResultStore results = new ResultStore(mongo);

  private final ExecutionViews views =
      new ExecutionViews(
          new MachineStore(
              mongo,
              new LiveFeedStore(mongo),
              new CtaServerProperties(null, null, null, null, null)),
          new SlotStore(mongo),
          WorkflowLinks.of(null, "default"),
          new ExecutionStore(mongo, new LiveFeedStore(mongo)),
          results);

  /** Inserts raw documents, in the shape the previous version stored them. */
  private void insert(String collection, Document document) {
    mongo.getCollection(collection).flatMap(c -> Mono.from(c.insertOne(document))).block();
  }

  private void machine(String name, boolean draining, String execution) {
    insert(
        "machines",
        new Document("name", name)
            .append("lastSeenAt", new Date())
            .append("executions", List.of(execution))
            .append("draining", draining)
            .append("deregistered", false)
            .append("cpus", 2)
            .append("memoryBytes", 0L)
            .append("slots", 1));
  }

  private ExecutionDocument running(Document target) {
    return execution(target, "running", "mono", List.of());
  }

  private ExecutionDocument execution(
      Document target, String state, String runMode, List<String> machines) {
    String id = new ObjectId().toHexString();
    Date now = new Date();
    insert(
        "executions",
        new Document("_id", new ObjectId(id))
            .append("number", 1L)
            .append("priority", 0)
            .append("pendingTimeout", 60_000L)
            .append("runningTimeout", 600_000L)
            .append("retries", 0)
            .append("chainDepth", 0)
            .append("state", state)
            .append(
                "machines",
                machines.stream()
                    .map(m -> new Document("name", m).append("state", "running"))
                    .toList())
            .append("requestedAt", now)
            .append("startedAt", now)
            .append(
                "configuration",
                new Document("runMode", runMode)
                    .append("type", "physical")
                    .append("target", target)
                    .append("includeOffline", false)));
    return mongo.findById(id, ExecutionDocument.class).block();
  }

  @Test
  void givenARunningExecutionOnADrainingMachine_whenViewed_thenItWaitsSayingTheMachineIsDraining() {
    ExecutionDocument execution = running(new Document("machine", "lab-01"));
    machine("lab-01", true, execution.id());

    ExecutionView view = views.view(execution).block();

    assertEquals("machine 'lab-01' is draining", view.waiting().reason());
    assertNull(view.waiting().since(), "when the machine stopped taking work is not recorded");
    assertEquals("draining", view.waiting().machines().get(0).status());
  }

  @Test
  void givenARunningExecutionOnItsBusyMachine_whenViewed_thenItDoesNotWait() {
    ExecutionDocument execution = running(new Document("machine", "lab-02"));
    machine("lab-02", false, execution.id());

    assertNull(views.view(execution).block().waiting(), "busy with this very execution");
  }

  @Test
  void givenARunningExecutionOnAGroupWithADrainingMachine_whenViewed_thenItDoesNotWait() {
    ExecutionDocument execution = running(new Document("group", "gpu"));
    machine("lab-03", true, execution.id());

    assertNull(views.view(execution).block().waiting(), "its suite moves to another machine");
  }

  private record Runs(String testId, String executionId, int attempt) {}

  /** A machine whose agent's last heartbeat, at {@code lastSeen}, ran {@code tests}. */
  private void busyMachine(String name, Instant lastSeen, List<Runs> tests) {
    insert(
        "machines",
        new Document("name", name)
            .append("lastSeenAt", Date.from(lastSeen))
            .append("executions", tests.stream().map(Runs::executionId).distinct().toList())
            .append("draining", false)
            .append("deregistered", false)
            .append("cpus", 2)
            .append("memoryBytes", 0L)
            .append("slots", 4)
            .append(
                "running",
                tests.stream()
                    .map(
                        t ->
                            new Document("executionId", t.executionId())
                                .append("testId", t.testId())
                                .append("attempt", t.attempt())
                                .append("startedAt", Date.from(SINCE)))
                    .toList()));
  }

  private static final Instant SINCE = Instant.parse("2026-01-01T10:00:00Z");

  private void suite(String executionId, String... tests) {
    insert(
        "suite-snapshots",
        new Document("_id", new ObjectId(executionId))
            .append(
                "suite",
                new Document("name", "s")
                    .append(
                        "tests",
                        java.util.Arrays.stream(tests)
                            .map(t -> new Document("_id", t).append("name", t))
                            .toList())));
  }

  private void result(String executionId, String testId, String machine, int attempt, String st) {
    results
        .appendResults(
            executionId,
            List.of(
                new ResultDocument(
                    ResultDocument.key(executionId, testId, "", machine, attempt),
                    executionId,
                    testId,
                    "",
                    machine,
                    attempt,
                    TestStatus.valueOf(st),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    false,
                    Instant.now())))
        .block();
  }

  @Test
  void givenARunningExecution_whenViewed_thenItShowsItsRunningTestsAndProgress() throws Exception {
    ExecutionDocument execution =
        execution(new Document("group", "web"), "running", "mono", List.of("lab-04", "lab-05"));
    busyMachine(
        "lab-04",
        Instant.now(),
        List.of(new Runs("cart", execution.id(), 2), new Runs("x", "other", 1)));
    busyMachine(
        "lab-05", Instant.now().minusSeconds(600), List.of(new Runs("pay", execution.id(), 1)));
    suite(execution.id(), "login", "cart", "pay", "search");
    result(execution.id(), "login", "lab-04", 1, "ok");
    result(execution.id(), "cart", "lab-04", 1, "failed"); // runs again now: not done

    ExecutionView view = views.view(execution).block();

    assertEquals(
        List.of(new ExecutionView.RunningTest("cart", "lab-04", 2, SINCE)),
        view.running(),
        "its own tests only, and none of a machine gone offline");
    assertEquals(new ExecutionView.Progress(4, 1), view.progress());
    String json = JsonMapper.builder().build().writeValueAsString(view);
    assertTrue(json.contains("\"progress\":{\"tests\":4,\"done\":1}"), json);
  }

  @Test
  void givenAStressExecution_whenViewed_thenEachMachineRunsTheSuite() {
    ExecutionDocument execution =
        execution(new Document("group", "load"), "running", "stress", List.of("st-1", "st-2"));
    busyMachine("st-1", Instant.now(), List.of());
    busyMachine("st-2", Instant.now(), List.of(new Runs("a", execution.id(), 1)));
    suite(execution.id(), "a", "b");
    result(execution.id(), "a", "st-1", 1, "ok");
    result(execution.id(), "b", "st-1", 1, "failed");
    result(execution.id(), "b", "st-2", 1, "ok");

    ExecutionView view = views.view(execution).block();

    assertEquals(new ExecutionView.Progress(4, 3), view.progress());
    assertEquals(1, view.running().size());
  }

  @Test
  void givenAnEndedExecution_whenViewed_thenItHasNeitherRunningTestsNorProgress() throws Exception {
    ExecutionDocument execution =
        execution(new Document("machine", "lab-06"), "finished", "mono", List.of("lab-06"));
    suite(execution.id(), "login");

    ExecutionView view = views.view(execution).block();

    assertNull(view.running());
    assertNull(view.progress());
    String json = JsonMapper.builder().build().writeValueAsString(view);
    assertFalse(json.contains("\"running\":"), json);
    assertFalse(json.contains("\"progress\":"), json);
  }
}
