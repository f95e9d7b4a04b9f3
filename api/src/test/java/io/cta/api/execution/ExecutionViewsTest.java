package io.cta.api.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.mongodb.reactivestreams.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.cta.server.config.CtaServerProperties;
import io.cta.server.config.MongoConversions;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.live.LiveFeedStore;
import io.cta.server.machine.MachineStore;
import io.cta.server.scenario.SlotStore;
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

  private final ExecutionViews views =
      new ExecutionViews(
          new MachineStore(
              mongo,
              new LiveFeedStore(mongo),
              new CtaServerProperties(null, null, null, null, null)),
          new SlotStore(mongo),
          WorkflowLinks.of(null, "default"));

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
            .append("state", "running")
            .append("requestedAt", now)
            .append("startedAt", now)
            .append(
                "configuration",
                new Document("runMode", "mono")
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
}
