package io.cta.server.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import de.bwaldvogel.mongo.MongoServer;
import io.cta.activities.RunMode;
import io.cta.server.Fixtures;
import io.cta.server.execution.ExecutionDocument;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Mono;

/**
 * Targets are stored as {@code {"machine"|"group"|"selector": …}}, the shape stored before they
 * were types: documents of the previous version read, and new ones are written the same way.
 */
class TargetStorageTest {

  private MongoServer server;
  private ReactiveMongoTemplate mongo;

  @BeforeEach
  void setUp() {
    server = Fixtures.mongoServer();
    mongo = Fixtures.mongo(server);
  }

  @AfterEach
  void tearDown() {
    server.shutdownNow();
  }

  @Test
  void givenConfigurationsStoredInTheOldShape_whenRead_thenEachTargetIsItsKind() {
    insert("configurations", configuration("c1", new Document("machine", "lab-01")));
    insert("configurations", configuration("c2", new Document("group", "gpu")));
    insert("configurations", configuration("c3", new Document("selector", "os=linux")));

    assertEquals(new MachineTarget("lab-01"), read("c1").target());
    assertEquals(new GroupTarget("gpu"), read("c2").target());
    assertEquals(new SelectorTarget("os=linux"), read("c3").target());
  }

  @Test
  void givenAnExecutionEmbeddingAnOldShapeTarget_whenRead_thenItsConfigurationTargetIsItsKind() {
    String id = new ObjectId().toHexString();
    insert(
        "executions",
        new Document("_id", new ObjectId(id))
            .append("number", 1L)
            .append("priority", 0)
            .append("pendingTimeout", 60_000L)
            .append("runningTimeout", 600_000L)
            .append("retries", 0)
            .append("chainDepth", 0)
            .append("state", "pending")
            .append("requestedAt", new Date())
            .append("configuration", configuration(null, new Document("group", "gpu"))));

    ExecutionDocument execution = mongo.findById(id, ExecutionDocument.class).block();

    assertEquals(new GroupTarget("gpu"), execution.configuration().target());
  }

  @Test
  void givenEachKind_whenStored_thenTheDocumentHoldsOnlyItsOneField() {
    List<Target> targets =
        List.of(
            new MachineTarget("lab-01"), new GroupTarget("gpu"), new SelectorTarget("os=linux"));
    List<Document> expected =
        List.of(
            new Document("machine", "lab-01"),
            new Document("group", "gpu"),
            new Document("selector", "os=linux"));
    for (int i = 0; i < targets.size(); i++) {
      String id = "c" + i;
      Instant now = Instant.now();
      mongo
          .insert(
              new ConfigurationDocument(
                  id,
                  "config",
                  RunMode.mono,
                  ConfigurationDocument.MachineType.physical,
                  targets.get(i),
                  false,
                  now,
                  now))
          .block();

      Document stored =
          mongo
              .getCollection("configurations")
              .flatMap(c -> Mono.from(c.find(new Document("_id", id)).first()))
              .block();

      assertEquals(expected.get(i), stored.get("target", Document.class), "no _class, no nulls");
      assertEquals(targets.get(i), read(id).target());
    }
  }

  private static Document configuration(String id, Document target) {
    Document document = new Document();
    if (id != null) {
      document.append("_id", id).append("name", "config");
    }
    return document
        .append("runMode", "mono")
        .append("type", "physical")
        .append("target", target)
        .append("includeOffline", false);
  }

  private ConfigurationDocument read(String id) {
    return mongo.findById(id, ConfigurationDocument.class).block();
  }

  private void insert(String collection, Document document) {
    mongo.getCollection(collection).flatMap(c -> Mono.from(c.insertOne(document))).block();
  }
}
