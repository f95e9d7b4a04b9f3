package io.cta.consumer;

import com.mongodb.reactivestreams.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.cta.activities.ExecutionState;
import io.cta.activities.RunMode;
import io.cta.activities.TestStatus;
import io.cta.server.definition.ConfigurationDocument;
import io.cta.server.definition.Notification;
import io.cta.server.definition.StageDefinition;
import io.cta.server.definition.SuiteDocument;
import io.cta.server.definition.Target;
import io.cta.server.definition.TestDefinition;
import io.cta.server.execution.Counters;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.SuiteSnapshot;
import io.cta.workflows.execution.ExecutionWorkflow;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/** Test data and an embedded MongoDB (memory backend) for the consumer's tests. */
public final class Fixtures {

  public static final String MACHINE = "lab-01";

  private Fixtures() {}

  /** A fresh database on a running embedded server. */
  public static ReactiveMongoTemplate mongo(MongoServer server) {
    return new ReactiveMongoTemplate(
        MongoClients.create(server.getConnectionString()), "cta-" + new ObjectId().toHexString());
  }

  public static MongoServer mongoServer() {
    MongoServer server = new MongoServer(new MemoryBackend());
    server.bind("127.0.0.1", 0);
    return server;
  }

  public static ExecutionDocument execution(
      ExecutionState state, Instant requestedAt, long pendingTimeout) {
    return execution(
        state, requestedAt, pendingTimeout, RunMode.mono, new Target(MACHINE, null, null), false);
  }

  public static ExecutionDocument execution(
      ExecutionState state,
      Instant requestedAt,
      long pendingTimeout,
      RunMode runMode,
      Target target,
      boolean includeOffline) {
    String id = new ObjectId().toHexString();
    Instant now = Instant.now();
    ConfigurationDocument configuration =
        new ConfigurationDocument(
            "c1",
            "config",
            runMode,
            ConfigurationDocument.MachineType.physical,
            target,
            includeOffline,
            now,
            now);
    return new ExecutionDocument(
        id,
        1,
        "sc1",
        "scenario",
        state,
        null,
        Counters.ZERO,
        List.of(),
        requestedAt,
        state == ExecutionState.running ? requestedAt : null,
        null,
        null,
        ExecutionWorkflow.workflowId(id),
        0,
        null,
        "tester",
        pendingTimeout,
        600_000,
        0,
        null,
        configuration,
        null,
        List.of(),
        0);
  }

  /**
   * A complete execution, number {@code number} of the scenario, that ran one test that passed and,
   * when {@code result} is failed, one that failed.
   */
  public static ExecutionDocument completed(
      String scenarioId,
      long number,
      ExecutionState state,
      TestStatus result,
      int chainDepth,
      List<Notification> notifications) {
    Instant requestedAt = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
    ExecutionDocument e = execution(state, requestedAt, 60_000);
    Instant startedAt = e.requestedAt().plusSeconds(1);
    return new ExecutionDocument(
        e.id(),
        number,
        scenarioId,
        "nightly <main>",
        state,
        result,
        new Counters(1, result == TestStatus.failed ? 1 : 0, 0, 0),
        e.machines(),
        e.requestedAt(),
        startedAt,
        startedAt.plusMillis(42_500),
        null,
        e.workflowId(),
        0,
        null,
        "tester",
        e.pendingTimeout(),
        e.runningTimeout(),
        0,
        null,
        e.configuration(),
        null,
        notifications,
        chainDepth);
  }

  /** Stores the execution with its suite snapshot, as the scenario runner does. */
  public static ExecutionDocument insert(ExecutionStore executions, ExecutionDocument execution) {
    return insert(executions, execution, suite());
  }

  public static ExecutionDocument insert(
      ExecutionStore executions, ExecutionDocument execution, SuiteDocument suite) {
    executions.saveSnapshot(new SuiteSnapshot(execution.id(), suite, null)).block();
    return executions.insert(execution).block();
  }

  /** A suite of one command-line test per id. */
  public static SuiteDocument suite(String... testIds) {
    Instant now = Instant.now();
    return new SuiteDocument(
        "s-" + String.join("-", testIds),
        "suite",
        null,
        java.util.Arrays.stream(testIds)
            .map(
                id ->
                    new TestDefinition(
                        id,
                        id,
                        null,
                        "commandLine",
                        List.of(),
                        List.of(
                            new StageDefinition(
                                "run", "true", null, null, Map.of(), true, 60_000L))))
            .toList(),
        now,
        now);
  }

  public static SuiteDocument suite() {
    Instant now = Instant.now();
    return new SuiteDocument(
        "s1",
        "suite",
        null,
        List.of(
            new TestDefinition(
                "t1",
                "t1",
                null,
                "commandLine",
                List.of(),
                List.of(new StageDefinition("run", "true", null, null, Map.of(), true, 60_000L)))),
        now,
        now);
  }
}
