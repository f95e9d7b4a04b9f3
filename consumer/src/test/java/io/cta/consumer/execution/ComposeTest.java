package io.cta.consumer.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.MongoServer;
import io.cta.activities.ExecutionState;
import io.cta.activities.RunMode;
import io.cta.activities.TestStatus;
import io.cta.activities.agent.TestSpec;
import io.cta.activities.events.RegisterRequest;
import io.cta.activities.server.CompleteRequest;
import io.cta.activities.server.ComposeRequest;
import io.cta.activities.server.ExecutionPlan;
import io.cta.activities.server.LoadTestsRequest;
import io.cta.consumer.Fixtures;
import io.cta.consumer.config.ConsumerProperties;
import io.cta.server.config.CtaServerProperties;
import io.cta.server.definition.GroupTarget;
import io.cta.server.definition.SelectorTarget;
import io.cta.server.definition.SuiteDocument;
import io.cta.server.definition.Target;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.MachineRun;
import io.cta.server.execution.ResultStore;
import io.cta.server.history.TestHistoryStore;
import io.cta.server.live.LiveFeedStore;
import io.cta.server.machine.MachineDocument;
import io.cta.server.machine.MachineStore;
import io.cta.server.machine.PoolStore;
import io.cta.server.scenario.SlotStore;
import io.cta.temporal.TaskQueues;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/** Compose: which machines are targeted, the dispatch order, lanes' shares, pools. */
class ComposeTest {

  private MongoServer mongoServer;
  private ReactiveMongoTemplate mongo;
  private ExecutionStore executions;
  private MachineStore machines;
  private PoolStore pools;
  private ResultStore results;
  private ServerActivitiesImpl activities;

  @BeforeEach
  void setUp() {
    mongoServer = Fixtures.mongoServer();
    mongo = Fixtures.mongo(mongoServer);
    executions = new ExecutionStore(mongo, new LiveFeedStore(mongo));
    machines =
        new MachineStore(
            mongo, new LiveFeedStore(mongo), new CtaServerProperties(null, null, null, null, null));
    pools = new PoolStore(mongo, Duration.ZERO);
    results = new ResultStore(mongo);
    activities =
        Fixtures.serverActivities(
            executions,
            results,
            machines,
            pools,
            new SlotStore(mongo),
            new TestHistoryStore(mongo),
            new ConsumerProperties(null, null, null, null, null, null, null, null, null, null));
  }

  @AfterEach
  void tearDown() {
    mongoServer.shutdownNow();
  }

  private MachineDocument machine(
      String name, Instant lastSeen, int slots, Map<String, String> properties, String... groups) {
    return machines
        .register(
            new RegisterRequest(
                name,
                name,
                null,
                "linux",
                "x86_64",
                2,
                0,
                "test",
                properties,
                List.of(groups),
                slots),
            lastSeen)
        .block();
  }

  private ExecutionDocument execution(
      RunMode mode, Target target, boolean includeOffline, SuiteDocument suite) {
    return Fixtures.insert(
        executions,
        Fixtures.execution(
            ExecutionState.pending, Instant.now(), 60_000, mode, target, includeOffline),
        suite);
  }

  private static List<String> ids(List<TestSpec> tests) {
    return tests.stream().map(TestSpec::id).toList();
  }

  /**
   * An earlier parallel execution of the suite, complete, in which each test took these
   * milliseconds: compose reads what complete wrote to the test history.
   */
  private void ranBefore(SuiteDocument suite, Map<String, Long> took) {
    ExecutionDocument earlier = execution(RunMode.parallel, new GroupTarget("g"), false, suite);
    results
        .appendResults(
            earlier.id(),
            took.entrySet().stream()
                .map(
                    e ->
                        Fixtures.result(
                            earlier.id(), e.getKey(), "m1", 1, TestStatus.ok, e.getValue()))
                .toList())
        .block();
    activities.complete(
        new CompleteRequest(
            earlier.id(), ExecutionState.finished, null, took.size(), 1, 2, false, List.of()));
  }

  @Test
  void givenParallel_whenComposed_thenLongestTestsComeFirstAndLanesShareTheOrder() {
    SuiteDocument suite = Fixtures.suite("a", "b", "c", "d");
    machine("m1", Instant.now(), 1, Map.of(), "g");
    ranBefore(suite, Map.of("a", 100L, "b", 9_000L, "c", 1_000L));
    ranBefore(suite, Map.of("a", 100L, "b", 1_000L, "c", 1_000L));
    machine("m2", Instant.now(), 3, Map.of(), "g");
    ExecutionDocument execution = execution(RunMode.parallel, new GroupTarget("g"), false, suite);

    ExecutionPlan plan = activities.compose(new ComposeRequest(execution.id()));

    assertEquals(
        List.of("d", "b", "c", "a"),
        ids(plan.tests()),
        "never measured counts as longest; b's mean of 5,000 ms comes next");
    assertEquals(8, plan.window(), "twice the eligible slots");
    assertEquals(
        List.of("d", "c"),
        ids(activities.loadTests(new LoadTestsRequest(execution.id(), 0, 2, 0, 10))));
    assertEquals(
        List.of("b", "a"),
        ids(activities.loadTests(new LoadTestsRequest(execution.id(), 1, 2, 0, 10))));
    assertEquals(
        List.of("a"), ids(activities.loadTests(new LoadTestsRequest(execution.id(), 1, 2, 1, 10))));
  }

  @Test
  void
      givenOfflineAndDrainingMembers_whenComposed_thenOnlyOnlineOnesAreTargetedUnlessOfflineIsIncluded() {
    machine("up", Instant.now(), 1, Map.of(), "g");
    machine("down", Instant.now().minus(Duration.ofHours(1)), 1, Map.of(), "g");
    machine("leaving", Instant.now(), 1, Map.of(), "g");
    mongo
        .updateFirst(
            Query.query(Criteria.where("name").is("leaving")),
            new Update().set("draining", true),
            MachineDocument.class)
        .block();

    ExecutionDocument online =
        execution(RunMode.group, new GroupTarget("g"), false, Fixtures.suite("t"));
    activities.compose(new ComposeRequest(online.id()));
    ExecutionDocument all =
        execution(RunMode.group, new GroupTarget("g"), true, Fixtures.suite("t"));
    activities.compose(new ComposeRequest(all.id()));

    assertEquals(List.of("up"), names(online.id()));
    assertEquals(List.of("down", "up"), names(all.id()));
  }

  private List<String> names(String executionId) {
    return executions.findById(executionId).block().machines().stream()
        .map(MachineRun::name)
        .toList();
  }

  @Test
  void givenStress_whenComposed_thenEveryMatchingMachineGetsTheCommonPlannedStart() {
    machine("s1", Instant.now(), 1, Map.of("role", "load"));
    machine("s2", Instant.now(), 1, Map.of("role", "load"));
    machine("other", Instant.now(), 1, Map.of("role", "web"));
    Instant before = Instant.now();
    ExecutionDocument execution =
        execution(RunMode.stress, new SelectorTarget("role=load"), false, Fixtures.suite("t"));

    ExecutionPlan plan = activities.compose(new ComposeRequest(execution.id()));

    assertEquals(List.of("s1", "s2"), plan.machines());
    Instant planned = Instant.ofEpochMilli(plan.plannedStartAt());
    assertTrue(!planned.isBefore(before.plusSeconds(2)), "two seconds of lead by default");
    for (MachineRun run : executions.findById(execution.id()).block().machines()) {
      assertEquals(planned, run.plannedStartAt());
    }
    assertEquals(List.of(), pools.all().block(), "stress uses each machine's own queue");
  }

  @Test
  void givenASelectorPool_whenAMachineStartsMatchingLater_thenItsHeartbeatAnswerJoinsThePool() {
    ExecutionDocument execution =
        execution(RunMode.mono, new SelectorTarget("pool=x"), false, Fixtures.suite("t"));
    activities.compose(new ComposeRequest(execution.id()));
    String queue = TaskQueues.pool(execution.id());

    MachineDocument late = machine("late", Instant.now(), 1, Map.of("pool", "x"));
    MachineDocument other = machine("other", Instant.now(), 1, Map.of("pool", "y"));

    assertEquals(List.of(queue), pools.queuesFor(late).block());
    assertEquals(List.of(), pools.queuesFor(other).block());
    activities.complete(
        new CompleteRequest(
            execution.id(), ExecutionState.finished, null, 0, 1, 2, true, List.of()));
    assertEquals(List.of(), pools.queuesFor(late).block(), "the pool ends with the execution");
  }
}
