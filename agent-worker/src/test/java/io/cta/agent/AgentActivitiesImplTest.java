package io.cta.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.cta.activities.TestStatus;
import io.cta.activities.agent.AgentActivities;
import io.cta.activities.agent.RunTestRequest;
import io.cta.activities.agent.RunTestResult;
import io.cta.activities.agent.StageSpec;
import io.cta.activities.agent.TestSpec;
import io.cta.activities.events.AgentEvent;
import io.cta.activities.events.EventBatch;
import io.cta.activities.events.HeartbeatRequest;
import io.cta.activities.events.RunningTest;
import io.cta.agent.local.LocalResultsServer;
import io.cta.agent.run.CommandLineExecutor;
import io.cta.agent.run.ResultFiles;
import io.cta.agent.secret.ConsumerSecretSource;
import io.cta.agent.secret.SecretResolver;
import io.temporal.activity.ActivityOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The activity against a fake consumer: how a test's secrets decide whether it runs at all. */
class AgentActivitiesImplTest {

  @TempDir Path dir;

  private HttpServer consumer;
  private LocalResultsServer local;
  private EventSender events;
  private TestActivityEnvironment environment;
  private AgentActivitiesImpl activities;
  private final List<AgentEvent> delivered = new CopyOnWriteArrayList<>();
  private final AtomicReference<String> secretsAnswer = new AtomicReference<>();
  private final List<String> secretRequests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    consumer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    consumer.createContext(
        "/agent/v1/events",
        exchange -> {
          EventBatch batch =
              ConsumerClient.JSON.readValue(exchange.getRequestBody(), EventBatch.class);
          delivered.addAll(batch.events());
          answer(exchange, "{\"accepted\":" + batch.events().size() + "}");
        });
    consumer.createContext(
        "/agent/v1/secrets",
        exchange -> {
          secretRequests.add(
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          answer(exchange, secretsAnswer.get());
        });
    consumer.start();
    ConsumerClient client =
        new ConsumerClient("http://127.0.0.1:" + consumer.getAddress().getPort(), "agent-token");
    local = LocalResultsServer.start(0);
    events =
        new EventSender(client, "lab-01", new EventBuffer(dir.resolve("buffer"), 1 << 20, 4096));
    activities =
        new AgentActivitiesImpl(
            "lab-01",
            dir.resolve("work"),
            events,
            Map.of("commandLine", new CommandLineExecutor()),
            null,
            local,
            ResultFiles.NONE,
            new SecretResolver(
                new ConsumerSecretSource(client, "m1"),
                Duration.ofMillis(10),
                Duration.ofMillis(50)));
    environment = TestActivityEnvironment.newInstance();
    environment.registerActivitiesImplementations(activities);
  }

  @AfterEach
  void stop() throws Exception {
    environment.close();
    events.close();
    local.close();
    consumer.stop(0);
  }

  private static void answer(com.sun.net.httpserver.HttpExchange exchange, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private RunTestResult runTest(String command, Map<String, String> env) {
    AgentActivities agent =
        environment.newActivityStub(
            AgentActivities.class,
            ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).build());
    TestSpec test =
        new TestSpec(
            "t1",
            "t1",
            "commandLine",
            List.of(),
            List.of(new StageSpec("s", command, null, null, env, true, 10_000)));
    return agent.runTest(new RunTestRequest("e1", 2, test, null, 0));
  }

  private List<AgentEvent> results() {
    return delivered.stream().filter(e -> e.type().equals(AgentEvent.RESULT)).toList();
  }

  @Test
  void givenASecretThatVanished_whenTheTestIsRun_thenItEndsInconclusiveNamingItAndNeverRuns() {
    secretsAnswer.set("{\"values\":{\"DB_USER\":\"app\"},\"missing\":[\"DB_PASSWORD\"]}");

    RunTestResult result =
        runTest(
            "touch ran",
            Map.of("USER", "${secret:DB_USER}", "PASSWORD", "pw=${secret:DB_PASSWORD}"));

    assertEquals(TestStatus.inconclusive, result.status());
    assertEquals(1, result.resultCount());
    assertFalse(Files.exists(dir.resolve("work/ran")), "the stage never ran");
    assertEquals(1, results().size(), results().toString());
    AgentEvent reported = results().get(0);
    assertEquals("inconclusive", reported.status());
    assertEquals("", reported.caseName());
    assertEquals("secret 'DB_PASSWORD' no longer exists", reported.message());
    assertEquals(
        List.of(
            "{\"executionId\":\"e1\",\"testId\":\"t1\",\"attempt\":2,"
                + "\"names\":[\"DB_PASSWORD\",\"DB_USER\"],\"machine\":\"m1\"}"),
        secretRequests,
        "one fetch per attempt, bound to it");
  }

  @Test
  void givenEverySecretExists_whenTheTestIsRun_thenItRunsWithTheValuesAndItsOutputIsMasked()
      throws Exception {
    secretsAnswer.set("{\"values\":{\"DB_PASSWORD\":\"hunter2-s3cr3t\"},\"missing\":[]}");

    RunTestResult result =
        runTest(
            "printf '%s' \"$PASSWORD\" > ran; echo \"using $PASSWORD\"",
            Map.of("PASSWORD", "${secret:DB_PASSWORD}"));

    assertEquals(TestStatus.ok, result.status());
    assertEquals("hunter2-s3cr3t", Files.readString(dir.resolve("work/ran")));
    String output =
        delivered.stream()
            .filter(e -> e.type().equals(AgentEvent.LOG))
            .map(AgentEvent::text)
            .reduce("", String::concat);
    assertEquals("using ***\n", output);
    assertTrue(delivered.stream().noneMatch(e -> e.toString().contains("hunter2")));
  }

  @Test
  void
      givenATestRunning_whenTheAgentHeartbeats_thenTheHeartbeatNamesItAndItsStartAndEndWakeTheLoop()
          throws Exception {
    AtomicInteger wakes = new AtomicInteger();
    activities.whenRunningTestsChange(wakes::incrementAndGet);
    long before = System.currentTimeMillis();
    CompletableFuture<RunTestResult> result =
        CompletableFuture.supplyAsync(
            () -> runTest("while [ ! -f go ]; do sleep 0.05; done", Map.of()));

    long deadline = System.currentTimeMillis() + 20_000;
    while (activities.runningTests().isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    HeartbeatRequest heartbeat = AgentCore.heartbeat("lab-01", activities, false);

    assertEquals(List.of("e1"), heartbeat.executions());
    assertEquals(1, heartbeat.running().size());
    RunningTest running = heartbeat.running().get(0);
    assertEquals("e1", running.executionId());
    assertEquals("t1", running.testId());
    assertEquals(2, running.attempt());
    assertTrue(running.startedAt() >= before, "when it started: " + running.startedAt());
    assertEquals(1, wakes.get(), "the start wakes the heartbeat loop");

    Files.createDirectories(dir.resolve("work"));
    Files.writeString(dir.resolve("work/go"), "");
    assertEquals(TestStatus.ok, result.get(30, TimeUnit.SECONDS).status());
    assertEquals(List.of(), AgentCore.heartbeat("lab-01", activities, false).running());
    assertEquals(2, wakes.get(), "so does the end");
  }
}
