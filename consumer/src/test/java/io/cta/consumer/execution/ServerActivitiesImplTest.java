package io.cta.consumer.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import de.bwaldvogel.mongo.MongoServer;
import io.cta.activities.ExecutionState;
import io.cta.activities.server.CompleteRequest;
import io.cta.consumer.Fixtures;
import io.cta.consumer.config.ConsumerProperties;
import io.cta.server.config.CtaServerProperties;
import io.cta.server.execution.DurationStore;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.MachineRun;
import io.cta.server.execution.ResultStore;
import io.cta.server.live.LiveFeed;
import io.cta.server.machine.MachineStore;
import io.cta.server.machine.PoolStore;
import io.cta.server.scenario.SlotStore;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

class ServerActivitiesImplTest {

  private static MongoServer mongoServer;

  @BeforeAll
  static void startMongo() {
    mongoServer = Fixtures.mongoServer();
  }

  @AfterAll
  static void stopMongo() {
    mongoServer.shutdownNow();
  }

  private static ServerActivitiesImpl activities(
      ReactiveMongoTemplate mongo, ExecutionStore executions) {
    return new ServerActivitiesImpl(
        executions,
        new ResultStore(mongo),
        new MachineStore(
            mongo, new LiveFeed(mongo), new CtaServerProperties(null, null, null, null, null)),
        new PoolStore(mongo),
        new SlotStore(mongo),
        new DurationStore(mongo),
        new ConsumerProperties(null, null, null, null, null, null, null, null, null));
  }

  @Test
  void givenMachinesThatRanWereLostOrNeverRan_whenCompleting_thenEachGetsItsFinalState() {
    ReactiveMongoTemplate mongo = Fixtures.mongo(mongoServer);
    ExecutionStore executions = new ExecutionStore(mongo, new LiveFeed(mongo));
    ServerActivitiesImpl activities = activities(mongo, executions);
    ExecutionDocument execution =
        executions
            .insert(Fixtures.execution(ExecutionState.running, Instant.now(), 60_000))
            .block();
    mongo
        .updateFirst(
            Query.query(Criteria.where("_id").is(execution.id())),
            new Update()
                .set(
                    "machines",
                    List.of(
                        new MachineRun("1", "m1", "running"),
                        new MachineRun("2", "m2", "running"),
                        new MachineRun("3", "m3", "pending"))),
            ExecutionDocument.class)
        .block();

    activities.complete(
        new CompleteRequest(
            execution.id(), ExecutionState.finished, null, 0, 1, 2, false, List.of("m1")));

    ExecutionDocument done = executions.findById(execution.id()).block();
    assertEquals(ExecutionState.finished, done.state());
    assertEquals(
        List.of(
            new MachineRun("1", "m1", "timeout"),
            new MachineRun("2", "m2", "finished"),
            new MachineRun("3", "m3", "acked")),
        done.machines());
  }
}
