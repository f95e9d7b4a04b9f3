package io.cta.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.cta.launcher.CtaClient;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * CTA through its REST API: each run is {@code POST /scenarios/{id}/run} of a scenario whose one
 * test runs {@code true}. The end is awaited on the execution's workflow (no REST polling load);
 * what happened in between is read afterwards from the execution, its result and the workflow's
 * history.
 */
final class CtaSide implements Side {

  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

  private final String name;
  private final CtaClient api;
  private final WorkflowClient temporal;
  private final Map<String, Object> target;
  private final String suiteId;
  private final String scenarioId;

  /**
   * Creates the one-test suite, a configuration and a scenario.
   *
   * @param runMode the configuration's run mode of the single runs
   * @param target the configuration's target, e.g. {@code {"group": "bench"}}; also the fan-out's
   */
  CtaSide(
      String name,
      CtaClient api,
      WorkflowClient temporal,
      String runMode,
      Map<String, Object> target) {
    this.name = name;
    this.api = api;
    this.temporal = temporal;
    this.target = target;
    this.suiteId = suite(List.of(test("noop"))).expect(201).body().get("id").asText();
    this.scenarioId =
        scenario(suiteId, configuration(runMode).expect(201).body().get("id").asText());
  }

  /** The one-test suite: its test {@code noop} gets a history from every run. */
  String suiteId() {
    return suiteId;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Sample once() throws InterruptedException {
    long requested = System.currentTimeMillis();
    JsonNode execution =
        api.post("/api/v1/scenarios/" + scenarioId + "/run", null).expect(201).body();
    await(execution.get("workflowId").asText(), RUN_TIMEOUT);
    return new Sample(execution.get("id").asText(), requested, System.currentTimeMillis(), 0);
  }

  @Override
  public Detail detail(Sample sample) {
    JsonNode execution = api.get("/api/v1/executions/" + sample.id()).expect(200).body();
    JsonNode results =
        api.get("/api/v1/executions/" + sample.id() + "/results").expect(200).body().get("items");
    History history = History.fetch(temporal, execution.get("workflowId").asText());
    String problem = problem(execution, 1);
    if (problem == null && results.size() != 1) {
      problem = results.size() + " results stored";
    }
    if (problem != null) {
      return new Detail(0, new Timeline(), problem);
    }
    JsonNode result = results.get(0);
    long stageStart = millis(result.get("startedAt"));
    Timeline timeline =
        new Timeline()
            .at("client request", sample.requested())
            .at("execution created", millis(execution.get("requestedAt")))
            .at("workflow started", history.started());
    for (History.Activity activity : history.activities()) {
      timeline
          .at(activity.type() + " scheduled", activity.scheduled())
          .at(activity.type() + " started", activity.started());
      if (activity.spans(stageStart)) {
        timeline
            .at("agent's running event", millis(execution.get("startedAt")))
            .at("stage start", stageStart)
            .at("stage end", millis(result.get("finishedAt")));
      }
      timeline.at(activity.type() + " completed", activity.completed());
    }
    timeline.at("workflow closed", history.closed()).at("client sees the end", sample.ended());
    return new Detail(stageStart, timeline, null);
  }

  /**
   * A {@code parallel} execution of {@code tests} tests over the group; skipped when the api
   * refuses the run mode (400).
   */
  @Override
  public FanOut fanOut(int tests, Duration timeout) throws InterruptedException {
    CtaClient.Response configuration = configuration("parallel");
    if (configuration.status() == 400) {
      return FanOut.skipped(
          "the api answers 400 to runMode parallel: " + configuration.body().path("detail"));
    }
    List<Map<String, Object>> suite = new ArrayList<>();
    for (int i = 1; i <= tests; i++) {
      suite.add(test(String.format("t%05d", i)));
    }
    CtaClient.Response created = suite(suite);
    if (created.status() == 413) {
      return FanOut.skipped(
          "the api refuses a suite of "
              + tests
              + " tests with 413 Content Too Large (its request body limit; see"
              + " docs/benchmarks.md)");
    }
    String scenario =
        scenario(
            created.expect(201).body().get("id").asText(),
            configuration.expect(201).body().get("id").asText());
    Cpu.Meter meter = new Cpu.Meter();
    long requested = System.currentTimeMillis();
    JsonNode execution =
        api.post("/api/v1/scenarios/" + scenario + "/run", null).expect(201).body();
    String id = execution.get("id").asText();
    String workflowId = execution.get("workflowId").asText();
    if (!await(workflowId, timeout)) {
      api.post("/api/v1/executions/" + id + "/cancel", Map.of("reason", "benchmark timeout"));
      return FanOut.skipped(
          "did not finish within "
              + timeout.toMinutes()
              + " min (canceled): "
              + api.get("/api/v1/executions/" + id).body().path("counters"));
    }
    long ended = System.currentTimeMillis();
    Cpu.Use cpu = meter.stop();
    execution = api.get("/api/v1/executions/" + id).expect(200).body();
    long firstStart = Long.MAX_VALUE;
    long lastEnd = 0;
    for (JsonNode result : api.get("/api/v1/executions/" + id + "/results").body().get("items")) {
      firstStart = Math.min(firstStart, millis(result.get("startedAt")));
      lastEnd = Math.max(lastEnd, millis(result.get("finishedAt")));
    }
    List<History> runs = History.allRuns(temporal, workflowId);
    long started = runs.stream().mapToLong(History::started).min().orElse(0);
    int largest = runs.stream().mapToInt(History::events).max().orElse(0);
    int total = runs.stream().mapToInt(History::events).sum();
    Timeline timeline =
        new Timeline()
            .at("client request", requested)
            .at("execution created", millis(execution.get("requestedAt")))
            .at("workflow started", started)
            .at("first stage start", firstStart == Long.MAX_VALUE ? 0 : firstStart)
            .at("last stage end", lastEnd)
            .at("workflow closed", runs.get(0).closed())
            .at("client sees the end", ended);
    String problem = problem(execution, tests);
    return new FanOut(
        problem == null ? null : "ended wrongly: " + problem,
        tests,
        ended - requested,
        timeline,
        largest,
        cpu,
        runs.size()
            + " workflow runs (children and continue-as-new included), "
            + total
            + " events");
  }

  /** Null when the execution finished with every test ok, else what is wrong. */
  private static String problem(JsonNode execution, int tests) {
    String state = execution.get("state").asText();
    int ok = execution.path("counters").path("ok").asInt();
    if (!state.equals("finished") || ok != tests) {
      return state + " " + execution.path("counters") + " " + execution.path("reason").asText("");
    }
    return null;
  }

  /** Waits for the workflow to close; false after the timeout. */
  private boolean await(String workflowId, Duration timeout) throws InterruptedException {
    WorkflowStub stub =
        temporal.newUntypedWorkflowStub(workflowId, Optional.empty(), Optional.empty());
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        stub.getResult(
            Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS, Object.class);
        return true;
      } catch (WorkflowNotFoundException notYet) {
        // the api answered before the workflow start reached the server
        Thread.sleep(20);
      } catch (java.util.concurrent.TimeoutException tooLong) {
        return false;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
    }
  }

  private CtaClient.Response configuration(String mode) {
    return api.post(
        "/api/v1/configurations",
        Map.of("name", "bench " + name + " " + mode, "runMode", mode, "target", target));
  }

  private CtaClient.Response suite(List<Map<String, Object>> tests) {
    return api.post("/api/v1/suites", Map.of("name", "bench " + name, "tests", tests));
  }

  private String scenario(String suiteId, String configurationId) {
    Map<String, Object> scenario = new HashMap<>();
    scenario.put("name", "bench " + name);
    scenario.put("testSuiteId", suiteId);
    scenario.put("configurationId", configurationId);
    scenario.put("pendingTimeout", Duration.ofHours(2).toMillis());
    scenario.put("runningTimeout", Duration.ofHours(2).toMillis());
    return api.post("/api/v1/scenarios", scenario).expect(201).body().get("id").asText();
  }

  private static Map<String, Object> test(String id) {
    return Map.of("id", id, "stages", List.of(Map.of("name", "run", "run", "true")));
  }

  private static long millis(JsonNode instant) {
    return instant == null || instant.isNull() ? 0 : Instant.parse(instant.asText()).toEpochMilli();
  }
}
