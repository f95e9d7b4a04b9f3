package io.cta.server;

import com.mongodb.reactivestreams.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.cta.activities.ExecutionState;
import io.cta.activities.RunMode;
import io.cta.activities.TestStatus;
import io.cta.server.config.MongoConversions;
import io.cta.server.definition.Concurrency;
import io.cta.server.definition.ConfigurationDocument;
import io.cta.server.definition.GroupTarget;
import io.cta.server.definition.MachineTarget;
import io.cta.server.definition.Target;
import io.cta.server.execution.Counters;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ResultDocument;
import io.cta.workflows.execution.ExecutionWorkflow;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.SimpleReactiveMongoDatabaseFactory;

/** Test data and an embedded MongoDB (memory backend) for server-core's tests. */
public final class Fixtures {

  public static final String MACHINE = "lab-01";

  /** Execution numbers, unique per scenario as the scenario_number index requires. */
  private static final AtomicLong NUMBERS = new AtomicLong();

  private Fixtures() {}

  public static MongoServer mongoServer() {
    MongoServer server = new MongoServer(new MemoryBackend());
    server.bind("127.0.0.1", 0);
    return server;
  }

  /** A fresh database on a running embedded server. */
  public static ReactiveMongoTemplate mongo(MongoServer server) {
    return new ReactiveMongoTemplate(
        new SimpleReactiveMongoDatabaseFactory(
            MongoClients.create(server.getConnectionString()),
            "cta-" + new ObjectId().toHexString()),
        MongoConversions.converter());
  }

  /** A finished execution of scenario {@code sc1} in this run mode, with the next number. */
  public static ExecutionDocument execution(RunMode runMode) {
    String id = new ObjectId().toHexString();
    Instant now = Instant.now();
    return ExecutionDocument.builder()
        .id(id)
        .number(NUMBERS.incrementAndGet())
        .scenarioId("sc1")
        .scenarioName("nightly")
        .state(ExecutionState.finished)
        .counters(Counters.ZERO)
        .machines(List.of())
        .requestedAt(now)
        .startedAt(now)
        .finishedAt(now)
        .workflowId("execution-" + id)
        .requestedBy("tester")
        .pendingTimeout(60_000)
        .runningTimeout(600_000)
        .configuration(
            new ConfigurationDocument(
                "c1",
                "config",
                runMode,
                ConfigurationDocument.MachineType.physical,
                new GroupTarget("g"),
                false,
                now,
                now))
        .notifications(List.of())
        .build();
  }

  public static ExecutionDocument execution(
      ExecutionState state, Instant requestedAt, long pendingTimeout) {
    return execution(
        state, requestedAt, pendingTimeout, RunMode.mono, new MachineTarget(MACHINE), false);
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
    return ExecutionDocument.builder()
        .id(id)
        .number(NUMBERS.incrementAndGet())
        .scenarioId("sc1")
        .scenarioName("scenario")
        .state(state)
        .counters(Counters.ZERO)
        .machines(List.of())
        .requestedAt(requestedAt)
        .startedAt(state == ExecutionState.running ? requestedAt : null)
        .workflowId(ExecutionWorkflow.workflowId(id))
        .requestedBy("tester")
        .pendingTimeout(pendingTimeout)
        .runningTimeout(600_000)
        .configuration(configuration)
        .notifications(List.of())
        .build();
  }

  /** An execution of the scenario with this number, requested at {@code requestedAt}. */
  public static ExecutionDocument execution(
      String scenarioId,
      long number,
      ExecutionState state,
      Instant requestedAt,
      Concurrency concurrency) {
    ExecutionDocument e = execution(state, requestedAt, 60_000);
    return e.toBuilder()
        .number(number)
        .scenarioId(scenarioId)
        .scenarioName("scenario " + scenarioId)
        .concurrency(concurrency)
        .build();
  }

  public static ResultDocument result(
      String test, String machine, int attempt, TestStatus status, boolean late) {
    return result("e1", test, "", machine, attempt, status, late, 1L);
  }

  public static ResultDocument result(
      String executionId,
      String test,
      String caseName,
      String machine,
      int attempt,
      TestStatus status,
      boolean late,
      long durationMs) {
    return new ResultDocument(
        ResultDocument.key(executionId, test, caseName, machine, attempt),
        executionId,
        test,
        caseName,
        machine,
        attempt,
        status,
        null,
        null,
        durationMs,
        List.of(),
        List.of(),
        Map.of(),
        Instant.EPOCH,
        Instant.EPOCH.plusMillis(durationMs),
        late,
        Instant.EPOCH);
  }
}
