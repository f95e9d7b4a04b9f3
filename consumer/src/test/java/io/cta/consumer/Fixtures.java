package io.cta.consumer;

import com.mongodb.reactivestreams.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.cta.activities.ExecutionState;
import io.cta.activities.RunMode;
import io.cta.activities.TestStatus;
import io.cta.consumer.config.ConsumerProperties;
import io.cta.consumer.execution.Completion;
import io.cta.consumer.execution.Composer;
import io.cta.consumer.execution.ExecutionSlots;
import io.cta.consumer.execution.ServerActivitiesImpl;
import io.cta.consumer.execution.SuiteOrder;
import io.cta.consumer.metrics.ConsumerMetrics;
import io.cta.server.config.MongoConversions;
import io.cta.server.definition.Concurrency;
import io.cta.server.definition.Notification;
import io.cta.server.definition.StageDefinition;
import io.cta.server.definition.SuiteDocument;
import io.cta.server.definition.Target;
import io.cta.server.definition.TestDefinition;
import io.cta.server.execution.Counters;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionLifecycle;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.ResultDocument;
import io.cta.server.execution.ResultStore;
import io.cta.server.execution.SuiteSnapshot;
import io.cta.server.history.TestHistoryStore;
import io.cta.server.machine.MachineStore;
import io.cta.server.machine.PoolStore;
import io.cta.server.scenario.SlotStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.SimpleReactiveMongoDatabaseFactory;

/** Test data and an embedded MongoDB (memory backend) for the consumer's tests. */
public final class Fixtures {

  public static final String MACHINE = io.cta.server.Fixtures.MACHINE;

  /** Execution numbers, unique per scenario as the scenario_number index requires. */
  private static final AtomicLong NUMBERS = new AtomicLong();

  private Fixtures() {}

  /** A fresh database on a running embedded server. */
  public static ReactiveMongoTemplate mongo(MongoServer server) {
    return new ReactiveMongoTemplate(
        new SimpleReactiveMongoDatabaseFactory(
            MongoClients.create(server.getConnectionString()),
            "cta-" + new ObjectId().toHexString()),
        MongoConversions.converter());
  }

  public static MongoServer mongoServer() {
    return mongoServer(0);
  }

  /** An embedded MongoDB on {@code port} (0: any free port). */
  public static MongoServer mongoServer(int port) {
    MongoServer server = new MongoServer(new MemoryBackend());
    server.bind("127.0.0.1", port);
    return server;
  }

  public static String mongoUri(MongoServer server, String database) {
    return "mongodb://127.0.0.1:" + server.getLocalAddress().getPort() + "/" + database;
  }

  /** A port nobody listens on right now. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The value of one series in a Prometheus text scrape: the line named {@code name} whose labels
   * include {@code labels} (name, value, name, value...); fails when there is none.
   */
  public static double metric(String scrape, String name, String... labels) {
    Pattern label = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    for (String line : scrape.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      int brace = series.indexOf('{');
      if (!(brace < 0 ? series : series.substring(0, brace)).equals(name)) {
        continue;
      }
      Map<String, String> found = new HashMap<>();
      Matcher matcher = label.matcher(brace < 0 ? "" : series.substring(brace));
      while (matcher.find()) {
        found.put(matcher.group(1), matcher.group(2));
      }
      boolean matches = true;
      for (int i = 0; i < labels.length; i += 2) {
        matches &= labels[i + 1].equals(found.get(labels[i]));
      }
      if (matches) {
        return Double.parseDouble(line.substring(space + 1));
      }
    }
    throw new AssertionError("no series " + name + " " + List.of(labels) + " in the scrape");
  }

  public static ExecutionDocument execution(
      ExecutionState state, Instant requestedAt, long pendingTimeout) {
    return io.cta.server.Fixtures.execution(state, requestedAt, pendingTimeout);
  }

  public static ExecutionDocument execution(
      ExecutionState state,
      Instant requestedAt,
      long pendingTimeout,
      RunMode runMode,
      Target target,
      boolean includeOffline) {
    return io.cta.server.Fixtures.execution(
        state, requestedAt, pendingTimeout, runMode, target, includeOffline);
  }

  /** The execution with these notifications. */
  public static ExecutionDocument withNotifications(
      ExecutionDocument e, List<Notification> notifications) {
    return e.toBuilder().notifications(notifications).build();
  }

  /** An execution of the scenario with this number, requested at {@code requestedAt}. */
  public static ExecutionDocument execution(
      String scenarioId,
      long number,
      ExecutionState state,
      Instant requestedAt,
      Concurrency concurrency) {
    return io.cta.server.Fixtures.execution(scenarioId, number, state, requestedAt, concurrency);
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
    return e.toBuilder()
        .number(number)
        .scenarioId(scenarioId)
        .scenarioName("nightly <main>")
        .result(result)
        .counters(new Counters(1, result == TestStatus.failed ? 1 : 0, 0, 0))
        .startedAt(startedAt)
        .finishedAt(startedAt.plusMillis(42_500))
        .notifications(notifications)
        .chainDepth(chainDepth)
        .build();
  }

  /** A result of one attempt of a test on a machine, finished now after {@code durationMs}. */
  public static ResultDocument result(
      String executionId,
      String testId,
      String machine,
      int attempt,
      TestStatus status,
      long durationMs) {
    Instant now = Instant.now();
    return new ResultDocument(
        ResultDocument.key(executionId, testId, "", machine, attempt),
        executionId,
        testId,
        "",
        machine,
        attempt,
        status,
        status == TestStatus.ok ? null : "it " + status,
        null,
        durationMs,
        List.of(),
        List.of(),
        Map.of(),
        now.minusMillis(durationMs),
        now,
        false,
        now);
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

  /** The server activities wired as Spring wires them, over the given stores. */
  public static ServerActivitiesImpl serverActivities(
      ExecutionStore executions,
      ResultStore results,
      MachineStore machines,
      PoolStore pools,
      SlotStore slots,
      TestHistoryStore history,
      ConsumerProperties properties) {
    ExecutionLifecycle lifecycle = new ExecutionLifecycle(executions);
    SuiteOrder order = new SuiteOrder(executions, history);
    ExecutionSlots executionSlots = new ExecutionSlots(executions, slots);
    return new ServerActivitiesImpl(
        new Composer(executions, lifecycle, machines, pools, order, properties),
        order,
        executionSlots,
        new Completion(
            executions, lifecycle, results, machines, pools, executionSlots, order, history),
        lifecycle,
        new ConsumerMetrics(new SimpleMeterRegistry()));
  }
}
