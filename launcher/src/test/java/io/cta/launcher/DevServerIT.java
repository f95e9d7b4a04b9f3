package io.cta.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embedded stack on Temporal's real server ({@code temporal server start-dev}, SQLite in a
 * file) instead of the Java test server: the essential scenarios, and what only the real server can
 * do (docs/operations.md, "Restarts and durability"). Skips where no {@code temporal} binary is
 * installed, except in CI ({@code CI=true}), whose {@code .ci/run} installs it: there a missing
 * binary fails.
 */
class DevServerIT {

  private static final String AGENT = "dev-agent";

  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private static LocalStack stack;
  private static CtaClient admin;

  @BeforeAll
  static void startStack() throws Exception {
    Path binary = TemporalDevServer.findBinary(System.getenv());
    if (binary == null && !"true".equals(System.getenv("CI"))) {
      Assumptions.abort("no temporal binary: " + TemporalDevServer.HOW_TO_GET_IT);
    }
    assertNotNull(binary, TemporalDevServer.HOW_TO_GET_IT);
    Path work = Files.createTempDirectory("cta-dev");
    String adminToken = "cta_dev_" + java.util.UUID.randomUUID();
    List<Integer> ports = FreePorts.take(5);
    stack =
        new LocalStack(
            new LocalStack.Settings(
                Path.of("").toAbsolutePath().getParent(),
                work.resolve("logs"),
                work.resolve("secrets"),
                ports.get(0),
                ports.get(1),
                ports.get(2),
                ports.get(3),
                "memory",
                adminToken,
                new TemporalDevServer(binary, work.resolve("temporal/temporal.db"), ports.get(4))));
    stack.start();
    stack.startAgent(AGENT, List.of("--group", "dev"));
    admin = new CtaClient(stack.settings().apiUrl(), adminToken);
    awaitOnline(AGENT);
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void givenAMonoScenario_whenRunOnTheDevServer_thenItFinishesAndLinksToItsWorkflowInTheWebUi()
      throws Exception {
    String id =
        run(
            scenario(
                List.of(test("passes", "echo fine"), test("fails", "exit 3")),
                mono(AGENT),
                60_000));

    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);

    assertEquals("finished", execution.get("state").asText(), execution.toString());
    assertEquals("failed", execution.get("result").asText());
    assertEquals(1, execution.get("counters").get("ok").asInt());
    assertEquals(1, execution.get("counters").get("failed").asInt());
    assertEquals(
        stack.settings().temporalDev().uiUrl() + "/namespaces/default/workflows/execution-" + id,
        execution.get("workflowUrl").asText(),
        execution.toString());
    assertTrue(
        Files.size(stack.settings().temporalDev().database()) > 0,
        "Temporal's state is in the SQLite file");
  }

  @Test
  void givenAWebSocketClient_whenAScenarioRunsOnTheDevServer_thenItSeesStatesResultsAndLogsLive() {
    try (LiveClient live = LiveClient.connect(admin)) {
      live.subscribe("executions", null);
      long since =
          live.await(m -> m.path("type").asText().equals("subscribed"), TIMEOUT)
              .message()
              .get("seq")
              .asLong();

      String id = run(scenario(List.of(test("live", "echo dev-live-line")), mono(AGENT), 60_000));

      for (String state : List.of("pending", "running", "finished")) {
        live.await(
            m ->
                m.path("topic").asText().equals("executions")
                    && m.path("data").path("id").asText().equals(id)
                    && m.path("data").path("state").asText().equals(state),
            TIMEOUT);
      }
      String topic = "execution:" + id;
      live.subscribe(topic, since);
      live.await(
          m ->
              m.path("topic").asText().equals(topic)
                  && m.path("type").asText().equals("results")
                  && m.path("data").path("results").path(0).path("status").asText().equals("ok"),
          TIMEOUT);
      live.await(
          m ->
              m.path("topic").asText().equals(topic)
                  && m.path("type").asText().equals("logs")
                  && m.path("data").toString().contains("dev-live-line"),
          TIMEOUT);
    }
  }

  @Test
  void givenARunningExecution_whenCanceled_thenItEndsCanceledAndTheStopCommandRan()
      throws Exception {
    Map<String, Object> test =
        Map.of(
            "id",
            "cancel-me",
            "stages",
            List.of(
                Map.of(
                    "name", "run",
                    "run", "sleep 120",
                    "stop", "touch stopped",
                    "cwd", "cancel-me",
                    "timeout", 600_000)));
    String id = run(scenario(List.of(test), mono(AGENT), 300_000));
    awaitState(id, "running");
    Path dir = stack.workDir(AGENT).resolve("cancel-me");
    awaitTrue("the test to start", () -> Files.isDirectory(dir));

    assertEquals(
        202, admin.post("/api/v1/executions/" + id + "/cancel", Map.of("reason", "dev")).status());

    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);
    assertEquals("canceled", execution.get("state").asText(), execution.toString());
    assertEquals("canceled", execution.get("machines").get(0).get("state").asText());
    assertTrue(Files.exists(dir.resolve("stopped")), "the stop command ran");
  }

  @Test
  void givenRunningExecutions_whenTheDevServerIsKilled_thenItIsRestartedAndEachFinishesExactly()
      throws Exception {
    String scenarioId =
        scenario(List.of(test("survives", "sleep 8; echo done")), mono(AGENT), 120_000);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      ids.add(run(scenarioId));
    }
    for (String id : ids) {
      awaitState(id, "running");
    }
    int restarts = stack.temporalRestarts();
    Process server = stack.process(LocalStack.TEMPORAL);

    server.destroyForcibly().waitFor();

    awaitTrue("the dev server to be restarted", () -> stack.temporalRestarts() == restarts + 1);
    assertNotEquals(server, stack.process(LocalStack.TEMPORAL));
    for (String id : ids) {
      JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);
      assertEquals("finished", execution.get("state").asText(), execution.toString());
      assertEquals("ok", execution.get("result").asText(), execution.toString());
      assertEquals(1, execution.get("counters").get("ok").asInt(), execution.toString());
      JsonNode results = admin.get("/api/v1/executions/" + id + "/results").expect(200).body();
      assertEquals(1, results.get("total").asInt(), "nothing lost or doubled: " + results);
    }
  }

  @Test
  void givenTheStickyCache_whenTheConsumerIsKilledMidRun_thenTheRealServerMovesItsWorkflows()
      throws Exception {
    String id = run(scenario(List.of(test("slow", "sleep 6; echo done")), mono(AGENT), 120_000));
    awaitState(id, "running");

    stack.kill("consumer");
    stack.startConsumer();

    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);
    assertEquals("finished", execution.get("state").asText(), execution.toString());
    assertEquals(1, execution.get("counters").get("ok").asInt(), execution.toString());
  }

  @Test
  void givenAGroup_whenTheAgentRunningTheTestIsKilled_thenAnotherMemberRunsItAndItCountsOnce()
      throws Exception {
    for (String name : List.of("dev-pair-1", "dev-pair-2")) {
      stack.startAgent(name, List.of("--group", "dev-pair"));
      awaitOnline(name);
    }
    String id =
        run(
            scenario(
                List.of(test("long", "sleep 6")),
                Map.of("runMode", "group", "target", Map.of("group", "dev-pair")),
                120_000));
    String first = runningMachine(id);

    stack.kill("agent-" + first);

    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);
    assertEquals("finished", execution.get("state").asText(), execution.toString());
    assertEquals(1, execution.get("counters").get("ok").asInt(), execution.toString());
    JsonNode result = admin.get("/api/v1/executions/" + id + "/results").body().get("items").get(0);
    assertEquals(2, result.get("attempt").asInt(), result.toString());
    assertNotEquals(first, result.get("machine").asText());
  }

  @Test
  void givenNoMatchingMachine_whenThePendingTimeoutPasses_thenTheDevServersTimerEndsItTimeout()
      throws Exception {
    String id =
        run(scenario(List.of(test("t", "true")), mono("nobody"), Map.of("pendingTimeout", 2_000)));

    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);

    assertEquals("timeout", execution.get("state").asText(), execution.toString());
    assertEquals(
        "not started within the pending timeout of 2 s: no machine named 'nobody' has registered",
        execution.get("reason").asText());
  }

  @Test
  void givenATestOutlivingTheRunningTimeout_whenItExpires_thenItEndsTimeoutKeepingEarlierResults()
      throws Exception {
    String id =
        run(
            scenario(
                List.of(test("quick", "true"), test("too-slow", "sleep 120")),
                mono(AGENT),
                Map.of("runningTimeout", 3_000)));

    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);

    assertEquals("timeout", execution.get("state").asText(), execution.toString());
    assertEquals("running timeout of 3 s exceeded", execution.get("reason").asText());
    assertEquals(1, execution.get("counters").get("ok").asInt(), execution.toString());
  }

  @Test
  void givenStressOverTwoAgents_whenRun_thenBothRunTheWholeSuite() throws Exception {
    for (String name : List.of("dev-stress-1", "dev-stress-2")) {
      stack.startAgent(name, List.of("--property", "role=dev-stress"));
      awaitOnline(name);
    }
    String id =
        run(
            scenario(
                List.of(test("a", "true"), test("b", "true")),
                Map.of("runMode", "stress", "target", Map.of("selector", "role=dev-stress")),
                Map.of()));

    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);

    assertEquals("finished", execution.get("state").asText(), execution.toString());
    assertEquals(4, execution.get("counters").get("ok").asInt(), "results count per machine");
    assertEquals(2, execution.get("machines").size(), execution.toString());
  }

  @Test
  void givenParallel_whenAnAgentRunningATestIsKilled_thenItsTestRunsElsewhereAndCountsOnce()
      throws Exception {
    for (String name : List.of("dev-loss-1", "dev-loss-2")) {
      stack.startAgent(name, List.of("--group", "dev-loss", "--slots", "1"));
      awaitOnline(name);
    }
    List<Map<String, Object>> sleepers = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      sleepers.add(test("sleep-" + i, "sleep 3"));
    }
    String id =
        run(
            scenario(
                sleepers,
                Map.of("runMode", "parallel", "target", Map.of("group", "dev-loss")),
                Map.of()));
    String victim = runningMachine(id);

    stack.kill("agent-" + victim);

    JsonNode execution = Demo.awaitEnd(admin, id, TIMEOUT);
    assertEquals("finished", execution.get("state").asText(), execution.toString());
    assertEquals(4, execution.get("counters").get("ok").asInt(), "each test counted once");
    JsonNode results = admin.get("/api/v1/executions/" + id + "/results?size=100").body();
    assertEquals(4, results.get("total").asInt(), results.toString());
    boolean redispatched = false;
    for (JsonNode result : results.get("items")) {
      redispatched |= result.get("attempt").asInt() == 2;
    }
    assertTrue(redispatched, "the lost test ran again as attempt 2: " + results);
  }

  @Test
  void givenACronSchedule_whenItFiresRepeatedly_thenEachFireStartsExactlyOneExecution()
      throws Exception {
    String scenarioId =
        scenario(
            List.of(test("tick", "true")),
            mono(AGENT),
            Map.of("schedule", Map.of("cron", "*/2 * * * * *", "overlap", "allow")));
    await(
        "three scheduled executions",
        () -> admin.get("/api/v1/executions?scenarioId=" + scenarioId),
        r -> r.body().get("total").asInt() >= 3);
    assertEquals(
        204, admin.send("DELETE", "/api/v1/scenarios/" + scenarioId + "/schedule", null).status());

    JsonNode page =
        admin.get("/api/v1/executions?size=500&sort=number,asc&scenarioId=" + scenarioId).body();
    int expectedNumber = 1;
    for (JsonNode execution : page.get("items")) {
      assertEquals(expectedNumber++, execution.get("number").asInt(), "no fire ran twice");
    }
  }

  private static String runningMachine(String id) throws InterruptedException {
    String[] name = new String[1];
    await(
        "a machine to run a test",
        () -> admin.get("/api/v1/executions/" + id),
        r -> {
          for (JsonNode machine : r.body().get("machines")) {
            if (machine.get("state").asText().equals("running")) {
              name[0] = machine.get("name").asText();
              return true;
            }
          }
          return false;
        });
    return name[0];
  }

  private static Map<String, Object> mono(String machine) {
    return Map.of("runMode", "mono", "target", Map.of("machine", machine));
  }

  private static String scenario(
      List<Map<String, Object>> tests, Map<String, Object> configuration, long runningTimeout) {
    return scenario(tests, configuration, Map.of("runningTimeout", runningTimeout));
  }

  /** A scenario of these tests on this configuration; fields override the timeouts' defaults. */
  private static String scenario(
      List<Map<String, Object>> tests,
      Map<String, Object> configuration,
      Map<String, Object> fields) {
    String suiteId = created("/api/v1/suites", Map.of("name", "dev", "tests", tests));
    Map<String, Object> config = new HashMap<>(configuration);
    config.put("name", "dev");
    Map<String, Object> scenario = new HashMap<>();
    scenario.put("name", "dev");
    scenario.put("testSuiteId", suiteId);
    scenario.put("configurationId", created("/api/v1/configurations", config));
    scenario.put("pendingTimeout", 60_000);
    scenario.put("runningTimeout", 120_000);
    scenario.putAll(fields);
    return created("/api/v1/scenarios", scenario);
  }

  private static Map<String, Object> test(String id, String run) {
    return Map.of(
        "id", id, "stages", List.of(Map.of("name", "run", "run", run, "timeout", 60_000)));
  }

  private static String created(String path, Map<String, Object> body) {
    return admin.post(path, body).expect(201).body().get("id").asText();
  }

  private static String run(String scenarioId) {
    return admin
        .post("/api/v1/scenarios/" + scenarioId + "/run", null)
        .expect(201)
        .body()
        .get("id")
        .asText();
  }

  private static void awaitOnline(String machine) throws InterruptedException {
    await(
        "machine " + machine + " to be online",
        () -> admin.get("/api/v1/machines/" + machine),
        r -> r.body().get("status").asText().equals("online"));
  }

  private static void awaitState(String id, String state) throws InterruptedException {
    await(
        "execution " + id + " to be " + state,
        () -> admin.get("/api/v1/executions/" + id),
        r -> r.body().get("state").asText().equals(state));
  }

  /** Polls until the condition holds; fails with the last answer after the timeout. */
  private static void await(
      String what, Supplier<CtaClient.Response> call, Predicate<CtaClient.Response> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    CtaClient.Response last = null;
    while (System.nanoTime() < deadline) {
      last = call.get();
      if (last.status() == 200 && done.test(last)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "timed out waiting for " + what + "; last answer: " + (last == null ? null : last.body()));
  }

  private static void awaitTrue(String what, java.util.function.BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }
}
