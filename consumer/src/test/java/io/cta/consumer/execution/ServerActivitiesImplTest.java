package io.cta.consumer.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.MongoServer;
import io.cta.activities.ExecutionState;
import io.cta.activities.FailureType;
import io.cta.activities.TestStatus;
import io.cta.activities.server.CompleteRequest;
import io.cta.consumer.Fixtures;
import io.cta.consumer.config.ConsumerProperties;
import io.cta.server.config.CtaServerProperties;
import io.cta.server.definition.SuiteDocument;
import io.cta.server.execution.Counters;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.MachineRun;
import io.cta.server.execution.MachineRunState;
import io.cta.server.execution.ResultStore;
import io.cta.server.history.TestHistoryStore;
import io.cta.server.history.TestRun;
import io.cta.server.live.LiveFeedStore;
import io.cta.server.machine.MachineStore;
import io.cta.server.machine.PoolStore;
import io.cta.server.scenario.SlotStore;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import reactor.core.publisher.Mono;

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
    return activities(mongo, executions, new ResultStore(mongo), new TestHistoryStore(mongo));
  }

  private static ServerActivitiesImpl activities(
      ReactiveMongoTemplate mongo,
      ExecutionStore executions,
      ResultStore results,
      TestHistoryStore history) {
    return Fixtures.serverActivities(
        executions,
        results,
        new MachineStore(
            mongo, new LiveFeedStore(mongo), new CtaServerProperties(null, null, null, null, null)),
        new PoolStore(mongo),
        new SlotStore(mongo),
        history,
        new ConsumerProperties(null, null, null, null, null, null, null, null, null, null));
  }

  @Test
  void givenMachinesThatRanWereLostOrNeverRan_whenCompleting_thenEachGetsItsFinalState() {
    ReactiveMongoTemplate mongo = Fixtures.mongo(mongoServer);
    ExecutionStore executions = new ExecutionStore(mongo, new LiveFeedStore(mongo));
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
                        new MachineRun("1", "m1", MachineRunState.running),
                        new MachineRun("2", "m2", MachineRunState.running),
                        new MachineRun("3", "m3", MachineRunState.pending))),
            ExecutionDocument.class)
        .block();

    activities.complete(
        new CompleteRequest(
            execution.id(), ExecutionState.finished, null, 0, 1, 2, false, List.of("m1")));

    ExecutionDocument done = executions.findById(execution.id()).block();
    assertEquals(ExecutionState.finished, done.state());
    assertEquals(
        List.of(
            new MachineRun("1", "m1", MachineRunState.timeout),
            new MachineRun("2", "m2", MachineRunState.finished),
            new MachineRun("3", "m3", MachineRunState.acked)),
        done.machines());
  }

  @Test
  void givenItsMachineIsDraining_whenTheRunningTimeoutEndsTheExecution_thenTheReasonSaysSo() {
    ReactiveMongoTemplate mongo = Fixtures.mongo(mongoServer);
    ExecutionStore executions = new ExecutionStore(mongo, new LiveFeedStore(mongo));
    ServerActivitiesImpl activities = activities(mongo, executions);
    ExecutionDocument execution =
        executions
            .insert(Fixtures.execution(ExecutionState.running, Instant.now(), 60_000))
            .block();
    // A machine as the previous version stored it, drained by an operator.
    mongo
        .getCollection("machines")
        .flatMap(
            machines ->
                Mono.from(
                    machines.insertOne(
                        new Document("name", Fixtures.MACHINE)
                            .append("lastSeenAt", new Date())
                            .append("executions", List.of(execution.id()))
                            .append("draining", true)
                            .append("deregistered", false)
                            .append("cpus", 2)
                            .append("memoryBytes", 0L)
                            .append("slots", 1))))
        .block();

    activities.complete(
        new CompleteRequest(
            execution.id(),
            ExecutionState.timeout,
            "running timeout of 600 s exceeded",
            0,
            1,
            2,
            false,
            List.of()));

    assertEquals(
        "running timeout of 600 s exceeded: machine 'lab-01' is draining",
        executions.findById(execution.id()).block().reason());
  }

  @Test
  void givenCompleteFailsAfterRecordingTheHistory_whenTemporalRetriesIt_thenEachRunIsStoredOnce() {
    ReactiveMongoTemplate mongo = Fixtures.mongo(mongoServer);
    AtomicInteger failuresLeft = new AtomicInteger(1);
    // The terminal write fails once, after the history was written, as when MongoDB drops the
    // connection: Temporal then runs complete again.
    ExecutionStore executions =
        new ExecutionStore(mongo, new LiveFeedStore(mongo)) {
          @Override
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
            return failuresLeft.getAndDecrement() > 0
                ? Mono.error(new IllegalStateException("connection to MongoDB lost"))
                : super.completeCounted(
                    id, tickets, state, reason, counters, result, machines, startedAt, finishedAt);
          }
        };
    ResultStore results = new ResultStore(mongo);
    TestHistoryStore history = new TestHistoryStore(mongo);
    ServerActivitiesImpl activities = activities(mongo, executions, results, history);
    SuiteDocument suite = Fixtures.suite("login.flow:v2", "retried");
    ExecutionDocument execution =
        Fixtures.insert(
            executions, Fixtures.execution(ExecutionState.running, Instant.now(), 60_000), suite);
    String id = execution.id();
    results
        .appendResults(
            id,
            List.of(
                Fixtures.result(id, "login.flow:v2", Fixtures.MACHINE, 1, TestStatus.ok, 1_200),
                Fixtures.result(id, "retried", Fixtures.MACHINE, 1, TestStatus.failed, 300),
                Fixtures.result(id, "retried", Fixtures.MACHINE, 2, TestStatus.ok, 400)))
        .block();
    CompleteRequest request =
        new CompleteRequest(id, ExecutionState.finished, null, 3, 1, 2, false, List.of());

    assertThrows(IllegalStateException.class, () -> activities.complete(request));
    activities.complete(request);
    activities.complete(request); // a duplicate after the end changes nothing either

    assertEquals(ExecutionState.finished, executions.findById(id).block().state());
    for (String test : List.of("login.flow:v2", "retried")) {
      Document stored =
          mongo.findById(suite.id() + "/" + test, Document.class, "test-history").block();
      assertEquals(1, stored.getList("runs", Document.class).size(), test + ": " + stored);
    }
    TestRun retried = history.runs(suite.id(), "retried", 50).block().get(0);
    assertEquals(
        new TestRun(
            id,
            execution.number(),
            execution.scenarioId(),
            execution.scenarioName(),
            TestStatus.ok,
            400L,
            Fixtures.MACHINE,
            2,
            retried.finishedAt()),
        retried);
  }

  @Test
  void givenAResultBeingStoredWhenCompleteRuns_whenCompleting_thenItWaitsForItAndCountsIt() {
    ReactiveMongoTemplate mongo = Fixtures.mongo(mongoServer);
    ExecutionStore executions = new ExecutionStore(mongo, new LiveFeedStore(mongo));
    ResultStore results = new ResultStore(mongo);
    ServerActivitiesImpl activities =
        activities(mongo, executions, results, new TestHistoryStore(mongo));
    String id =
        Fixtures.insert(
                executions, Fixtures.execution(ExecutionState.running, Instant.now(), 60_000))
            .id();
    // An ingestion read the execution active and took its ticket; its append has not landed.
    assertTrue(executions.takeResultTicket(id).block());
    CompleteRequest request =
        new CompleteRequest(id, ExecutionState.finished, null, 0, 1, 2, false, List.of());

    ApplicationFailure waiting =
        assertThrows(ApplicationFailure.class, () -> activities.complete(request));
    assertEquals(FailureType.RESULTS_MISSING.type(), waiting.getType());
    assertEquals(ExecutionState.running, executions.findById(id).block().state());
    results
        .appendResults(
            id, List.of(Fixtures.result(id, "t1", Fixtures.MACHINE, 1, TestStatus.ok, 10)))
        .block();
    executions.resultTicketStored(id).block();
    activities.complete(request);

    ExecutionDocument done = executions.findById(id).block();
    assertEquals(ExecutionState.finished, done.state());
    assertEquals(1, done.counters().ok(), "the result stored meanwhile is counted");
  }

  @Test
  void givenAResultStoredBetweenTheCountAndTheTerminalWrite_whenCompleting_thenItIsCounted() {
    ReactiveMongoTemplate mongo = Fixtures.mongo(mongoServer);
    ResultStore results = new ResultStore(mongo);
    AtomicInteger ingestions = new AtomicInteger(1);
    // The interleaving, made deterministic: a whole ingestion runs after complete counted and
    // before its terminal write.
    ExecutionStore executions =
        new ExecutionStore(mongo, new LiveFeedStore(mongo)) {
          @Override
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
            Mono<Void> ingestion =
                ingestions.getAndDecrement() > 0
                    ? takeResultTicket(id)
                        .then(
                            results.appendResults(
                                id,
                                List.of(
                                    Fixtures.result(
                                        id, "t2", Fixtures.MACHINE, 1, TestStatus.failed, 10))))
                        .then(resultTicketStored(id))
                    : Mono.empty();
            return ingestion.then(
                super.completeCounted(
                    id, tickets, state, reason, counters, result, machines, startedAt, finishedAt));
          }
        };
    ServerActivitiesImpl activities =
        activities(mongo, executions, results, new TestHistoryStore(mongo));
    String id =
        Fixtures.insert(
                executions, Fixtures.execution(ExecutionState.running, Instant.now(), 60_000))
            .id();
    results
        .appendResults(
            id, List.of(Fixtures.result(id, "t1", Fixtures.MACHINE, 1, TestStatus.ok, 10)))
        .block();

    activities.complete(
        new CompleteRequest(id, ExecutionState.finished, null, 1, 1, 2, false, List.of()));

    ExecutionDocument done = executions.findById(id).block();
    assertEquals(ExecutionState.finished, done.state());
    assertEquals(1, done.counters().ok());
    assertEquals(1, done.counters().failed(), "counted again with the result stored meanwhile");
    assertEquals(TestStatus.failed, done.result());
  }
}
