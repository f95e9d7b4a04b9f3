package io.cta.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The demo: a suite of two command-line tests (one passes, one fails on purpose), a configuration
 * targeting the local agent's machine, a scenario, and one run of it to the end.
 */
public final class Demo {

  private final CtaClient client;
  private final PrintStream out;

  public Demo(CtaClient client, PrintStream out) {
    this.client = client;
    this.out = out;
  }

  /** The suite of the demo, also used by the end-to-end tests. */
  public static Map<String, Object> suite() {
    return Map.of(
        "name",
        "CTA demo suite",
        "description",
        "one test that passes, one that fails on purpose",
        "tests",
        List.of(
            Map.of(
                "id",
                "hello",
                "name",
                "says hello",
                "stages",
                List.of(
                    Map.of(
                        "name", "run",
                        "run", "echo \"$GREETING from test $CTA_TEST_ID in $(pwd)\"",
                        "cwd", "hello",
                        "env", Map.of("GREETING", "hello"),
                        "timeout", 60_000))),
            Map.of(
                "id",
                "fails",
                "name",
                "exits non-zero",
                "stages",
                List.of(
                    Map.of(
                        "name", "run",
                        "run", "echo 'this test fails on purpose' >&2; exit 3",
                        "timeout", 60_000)))));
  }

  /** Creates the definitions, runs the scenario and waits for the execution to end. */
  public JsonNode run(String machine, Duration timeout) throws InterruptedException {
    String suiteId = client.post("/api/v1/suites", suite()).expect(201).body().get("id").asText();
    String configurationId =
        client
            .post(
                "/api/v1/configurations",
                Map.of(
                    "name",
                    "CTA demo on " + machine,
                    "runMode",
                    "mono",
                    "target",
                    Map.of("machine", machine)))
            .expect(201)
            .body()
            .get("id")
            .asText();
    String scenarioId =
        client
            .post(
                "/api/v1/scenarios",
                Map.of(
                    "name",
                    "CTA demo",
                    "testSuiteId",
                    suiteId,
                    "configurationId",
                    configurationId,
                    "pendingTimeout",
                    120_000,
                    "runningTimeout",
                    300_000))
            .expect(201)
            .body()
            .get("id")
            .asText();
    CtaClient.Response run =
        client.post("/api/v1/scenarios/" + scenarioId + "/run", null).expect(201);
    String executionId = run.body().get("id").asText();
    out.println(
        "demo: execution " + executionId + " requested (" + run.body().get("state").asText() + ")");
    JsonNode execution = awaitEnd(client, executionId, timeout);
    out.println(
        "demo: execution "
            + executionId
            + " ended "
            + execution.get("state").asText()
            + ", result "
            + execution.get("result").asText()
            + ", counters "
            + execution.get("counters")
            + " (the test 'fails' fails on purpose)");
    return execution;
  }

  /** Polls the execution until it reaches a terminal state. */
  public static JsonNode awaitEnd(CtaClient client, String executionId, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode execution = client.get("/api/v1/executions/" + executionId).expect(200).body();
      String state = execution.get("state").asText();
      if (!state.equals("pending") && !state.equals("running")) {
        return execution;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "execution " + executionId + " still " + state + " after " + timeout);
      }
      Thread.sleep(100);
    }
  }
}
