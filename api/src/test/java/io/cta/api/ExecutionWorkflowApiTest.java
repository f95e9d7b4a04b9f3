package io.cta.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code GET /api/v1/executions/{id}/workflow} against Temporal's test server: an execution's
 * workflow is replaced by a probe that runs an activity (failing its first attempt), a timer and a
 * lane child, on a task queue of this test's own, so the history holds what a real one does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExecutionWorkflowApiTest extends ApiHttpTest {

  /** In activity inputs and results only: must never appear in an answer. */
  static final String INPUT_MARKER = "probe-input-must-not-leak";

  static final String RESULT_MARKER = "probe-result-must-not-leak";

  static final String ALWAYS_FAILS = "always-fails";

  private static final String QUEUE = "api-workflow-history-test";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers(registry, "cta-workflow-history");
  }

  @Autowired WorkflowClient client;

  private final ObjectMapper json = new ObjectMapper();
  private WorkerFactory workers;
  private String executionId;
  private String workflowId;

  @ActivityInterface
  public interface ProbeActivities {
    String probe(String input);
  }

  public static class ProbeActivitiesImpl implements ProbeActivities {
    private final AtomicInteger calls = new AtomicInteger();

    @Override
    public String probe(String input) {
      if (input.equals(ALWAYS_FAILS)) {
        throw ApplicationFailure.newNonRetryableFailure("always fails", "ProbeFailure");
      }
      if (calls.incrementAndGet() == 1) {
        throw ApplicationFailure.newFailure("first attempt fails", "ProbeFailure");
      }
      return RESULT_MARKER + " for " + input;
    }
  }

  @WorkflowInterface
  public interface ProbeWorkflow {
    @WorkflowMethod
    String run(String input);
  }

  public static class ProbeWorkflowImpl implements ProbeWorkflow {
    @Override
    public String run(String input) {
      ProbeActivities activities =
          Workflow.newActivityStub(
              ProbeActivities.class,
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofSeconds(10))
                  .setRetryOptions(
                      RetryOptions.newBuilder()
                          .setInitialInterval(Duration.ofMillis(10))
                          .setMaximumAttempts(3)
                          .build())
                  .build());
      String result = activities.probe(input);
      if (input.endsWith("-lane")) {
        return result;
      }
      try {
        activities.probe(ALWAYS_FAILS);
      } catch (ActivityFailure expected) {
        // shown in the history as ActivityTaskFailed
      }
      Workflow.sleep(Duration.ofMillis(10));
      ProbeWorkflow lane =
          Workflow.newChildWorkflowStub(
              ProbeWorkflow.class,
              ChildWorkflowOptions.newBuilder()
                  .setWorkflowId(Workflow.getInfo().getWorkflowId() + "-lane-0")
                  .build());
      return lane.run(input + "-lane") + result;
    }
  }

  @BeforeAll
  void probeFinished() throws Exception {
    String suite = created("/api/v1/suites", Fixtures.suite("history suite"));
    String configuration =
        created("/api/v1/configurations", Fixtures.configuration("history configuration"));
    String scenario =
        created("/api/v1/scenarios", Fixtures.scenario("history scenario", suite, configuration));
    executionId = created("/api/v1/scenarios/" + scenario + "/run", Fixtures.run());
    workflowId = ok("/api/v1/executions/" + executionId).get("workflowId").asText();
    // The api started the execution's workflow, which no worker here runs: end it and run the
    // probe under its id instead.
    client.newUntypedWorkflowStub(workflowId).terminate("replaced by the probe");
    workers = WorkerFactory.newInstance(client);
    var worker = workers.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(ProbeWorkflowImpl.class);
    worker.registerActivitiesImplementations(new ProbeActivitiesImpl());
    workers.start();
    ProbeWorkflow probe =
        client.newWorkflowStub(
            ProbeWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(workflowId).setTaskQueue(QUEUE).build());
    assertTrue(probe.run(INPUT_MARKER).contains(RESULT_MARKER));
  }

  @AfterAll
  void stopWorkers() {
    if (workers != null) {
      workers.shutdownNow();
    }
  }

  private JsonNode ok(String path) throws Exception {
    HttpResponse<String> response = send("GET", path, null, ADMIN);
    assertEquals(200, response.statusCode(), path + ": " + response.body());
    assertFalse(response.body().contains(INPUT_MARKER), response.body());
    assertFalse(response.body().contains(RESULT_MARKER), response.body());
    return json.readTree(response.body());
  }

  private static List<String> types(JsonNode view) {
    List<String> types = new ArrayList<>();
    view.get("events").forEach(e -> types.add(e.get("eventType").asText()));
    return types;
  }

  private static JsonNode first(JsonNode view, String type) {
    for (JsonNode event : view.get("events")) {
      if (event.get("eventType").asText().equals(type)) {
        return event;
      }
    }
    throw new AssertionError("no " + type + " in " + view);
  }

  @Test
  void givenAFinishedWorkflow_whenItsHistoryIsRead_thenActivitiesAttemptsTimersAndChildrenShow()
      throws Exception {
    JsonNode view = ok("/api/v1/executions/" + executionId + "/workflow");

    assertTrue(view.get("available").asBoolean());
    assertEquals(workflowId, view.get("workflowId").asText());
    List<String> types = types(view);
    assertEquals("WorkflowExecutionStarted", types.get(0), types.toString());
    assertEquals(1, view.get("events").get(0).get("eventId").asLong());
    for (String type :
        List.of(
            "ActivityTaskScheduled",
            "ActivityTaskStarted",
            "ActivityTaskCompleted",
            "ActivityTaskFailed",
            "TimerStarted",
            "TimerFired",
            "StartChildWorkflowExecutionInitiated",
            "ChildWorkflowExecutionCompleted",
            "WorkflowExecutionCompleted")) {
      assertTrue(types.contains(type), type + " in " + types);
    }
    JsonNode scheduled = first(view, "ActivityTaskScheduled").get("details");
    assertEquals("Probe", scheduled.get("activityType").asText());
    assertTrue(scheduled.get("inputBytes").asLong() > INPUT_MARKER.length(), scheduled.toString());
    JsonNode started = first(view, "ActivityTaskStarted").get("details");
    assertEquals(2, started.get("attempt").asInt(), started.toString());
    JsonNode failed = first(view, "ActivityTaskFailed").get("details");
    assertEquals("always fails", failed.get("failureMessage").asText(), failed.toString());
    assertEquals("ProbeFailure", failed.get("failureType").asText());
    assertTrue(first(view, "ActivityTaskCompleted").get("details").get("resultBytes").asLong() > 0);
    assertTrue(view.get("next").isNull());

    JsonNode child = view.get("children").get(0);
    assertEquals(workflowId + "-lane-0", child.get("workflowId").asText());
    JsonNode lane = ok(child.get("path").asText());
    assertTrue(lane.get("available").asBoolean());
    assertTrue(types(lane).contains("ActivityTaskCompleted"), types(lane).toString());
  }

  @Test
  void givenALongHistory_whenReadInPagesOfThree_thenTheNextTokensWalkItInOrder() throws Exception {
    List<Long> ids = new ArrayList<>();
    String path = "/api/v1/executions/" + executionId + "/workflow?size=3";
    JsonNode page = ok(path);
    int pages = 1;
    while (true) {
      assertTrue(page.get("events").size() <= 3, page.toString());
      page.get("events").forEach(e -> ids.add(e.get("eventId").asLong()));
      if (page.get("next").isNull()) {
        break;
      }
      page = ok(path + "&pageToken=" + page.get("next").asText());
      pages++;
    }
    assertTrue(pages > 3, "pages: " + pages);
    for (int i = 0; i < ids.size(); i++) {
      assertEquals(i + 1, ids.get(i), ids.toString());
    }
  }

  @Test
  void givenAWorkflowTemporalDoesNotKnow_whenRead_thenNoLongerAvailableNotAnError()
      throws Exception {
    JsonNode view =
        ok("/api/v1/executions/" + executionId + "/workflow?workflow=" + workflowId + "-lane-99");

    assertFalse(view.get("available").asBoolean());
    assertEquals("history no longer available", view.get("reason").asText());
    assertEquals(0, view.get("events").size());
  }

  @Test
  void givenAnotherWorkflowOrABadToken_whenRead_thenBadRequest() throws Exception {
    for (String query :
        List.of(
            "?workflow=execution-other", "?workflow=schedule-x", "?pageToken=%21%21", "?size=0")) {
      HttpResponse<String> response =
          send("GET", "/api/v1/executions/" + executionId + "/workflow" + query, null, ADMIN);
      assertEquals(400, response.statusCode(), query + ": " + response.body());
    }
    assertEquals(
        404,
        send("GET", "/api/v1/executions/000000000000000000000000/workflow", null, ADMIN)
            .statusCode());
  }

  @Test
  void givenAViewer_whenReadingTheWorkflow_thenAllowed() throws Exception {
    String viewer =
        json.readTree(
                send("POST", "/api/v1/tokens", Fixtures.token("history viewer"), ADMIN).body())
            .get("token")
            .asText();
    HttpResponse<String> response =
        send("GET", "/api/v1/executions/" + executionId + "/workflow", null, viewer);
    assertEquals(200, response.statusCode(), response.body());
    assertNotNull(json.readTree(response.body()).get("events"));
  }
}
