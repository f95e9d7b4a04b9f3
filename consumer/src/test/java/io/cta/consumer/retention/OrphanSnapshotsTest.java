package io.cta.consumer.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import de.bwaldvogel.mongo.MongoServer;
import io.cta.activities.ExecutionState;
import io.cta.activities.TestStatus;
import io.cta.consumer.Fixtures;
import io.cta.server.definition.ConfigurationDocument;
import io.cta.server.definition.DefinitionStore;
import io.cta.server.definition.ScenarioDocument;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionLifecycle;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.ResultDocument;
import io.cta.server.execution.ResultStore;
import io.cta.server.execution.SuiteSnapshot;
import io.cta.server.history.TestHistoryStore;
import io.cta.server.live.LiveFeedStore;
import io.cta.server.scenario.ScenarioRunner;
import io.cta.server.scenario.SlotStore;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import reactor.core.publisher.Mono;

/**
 * A failed execution creation leaves no suite snapshot behind (the crash case: RetentionContract),
 * nor, for an import, its results.
 */
class OrphanSnapshotsTest {

  private static MongoServer mongoServer;

  @BeforeAll
  static void startMongo() {
    mongoServer = Fixtures.mongoServer();
  }

  @AfterAll
  static void stopMongo() {
    mongoServer.shutdownNow();
  }

  @Test
  void givenTheExecutionInsertFails_whenRunning_thenItsSnapshotIsRemovedToo() {
    ReactiveMongoTemplate mongo = Fixtures.mongo(mongoServer);
    ExecutionStore failingInsert =
        new ExecutionStore(mongo, new LiveFeedStore(mongo)) {
          @Override
          public Mono<ExecutionDocument> insert(ExecutionDocument execution) {
            return Mono.error(new IllegalStateException("connection to MongoDB lost"));
          }
        };
    ExecutionDocument original = Fixtures.execution(ExecutionState.finished, Instant.now(), 60_000);
    Instant now = Instant.now();
    mongo
        .insert(
            new ScenarioDocument(
                original.scenarioId(),
                "scenario",
                null,
                "s1",
                "c1",
                60_000,
                600_000,
                0,
                null,
                List.of(),
                null,
                0,
                now,
                now))
        .block();
    ScenarioRunner runner =
        new ScenarioRunner(
            new DefinitionStore(mongo),
            failingInsert,
            new ExecutionLifecycle(failingInsert),
            null,
            new SlotStore(mongo),
            null,
            null);

    assertThrows(
        IllegalStateException.class,
        () ->
            runner
                .rerun(
                    original,
                    Fixtures.suite(),
                    new ScenarioRunner.Run(null, 0, "again", "tester", 0))
                .block());

    assertEquals(0L, mongo.count(new Query(), SuiteSnapshot.class).block(), "no orphan snapshot");
  }

  @Test
  void givenTheImportedInsertFails_whenImporting_thenItsResultsAndSnapshotAreRemovedToo() {
    ReactiveMongoTemplate mongo = Fixtures.mongo(mongoServer);
    ExecutionStore failingInsert =
        new ExecutionStore(mongo, new LiveFeedStore(mongo)) {
          @Override
          public Mono<ExecutionDocument> insertEnded(
              ExecutionDocument execution, boolean notifyPending) {
            return Mono.error(new IllegalStateException("connection to MongoDB lost"));
          }
        };
    ExecutionDocument original = Fixtures.execution(ExecutionState.finished, Instant.now(), 60_000);
    Instant now = Instant.now();
    mongo.insert(Fixtures.suite()).block();
    ConfigurationDocument c = original.configuration();
    mongo
        .insert(
            new ConfigurationDocument(
                "c-import", c.name(), c.runMode(), c.type(), c.target(), false, now, now))
        .block();
    mongo
        .insert(
            new ScenarioDocument(
                "scenario-import",
                "scenario",
                null,
                "s1",
                "c-import",
                60_000,
                600_000,
                0,
                null,
                List.of(),
                null,
                0,
                now,
                now))
        .block();
    ResultStore results = new ResultStore(mongo);
    ScenarioRunner runner =
        new ScenarioRunner(
            new DefinitionStore(mongo),
            failingInsert,
            new ExecutionLifecycle(failingInsert),
            null,
            new SlotStore(mongo),
            results,
            new TestHistoryStore(mongo));
    String id = new org.bson.types.ObjectId().toHexString();
    ResultDocument result =
        new ResultDocument(
            ResultDocument.key(id, "t1", "case", "import", 1),
            id,
            "t1",
            "case",
            "import",
            1,
            TestStatus.ok,
            "passed",
            null,
            1L,
            List.of(),
            List.of(),
            java.util.Map.of(),
            now,
            now,
            false,
            now);

    assertThrows(
        IllegalStateException.class,
        () ->
            runner
                .imported(
                    "scenario-import",
                    new ScenarioRunner.Run(id, 0, "imported", "tester", 0),
                    suite -> List.of(result))
                .block());

    assertEquals(0L, mongo.count(new Query(), SuiteSnapshot.class).block(), "no orphan snapshot");
    assertEquals(List.of(), results.results(id).collectList().block(), "no orphan result");
  }
}
