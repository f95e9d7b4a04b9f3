package io.cta.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cta.server.execution.ExecutionStore;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code POST /api/v1/scenarios/{id}/imports}: JUnit XML produced elsewhere becomes a finished
 * execution of the scenario (docs/results.md#imported-executions), read with the agent's hardening
 * and naming, and a refused upload stores nothing, not even a number.
 */
class ImportApiTest extends ApiHttpTest {

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers(registry, "cta-import");
  }

  @Autowired ExecutionStore executions;
  @Autowired ReactiveMongoTemplate mongo;

  private final ObjectMapper json = new ObjectMapper();

  private static final String BOUNDARY = "cta-import-boundary";

  /** Two reports of one CI job: a case name repeated (in one file and across files), a failure. */
  private static final String FIRST =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <testsuite name="shop" tests="3">
        <testcase classname="shop.Cart" name="adds" time="0.5"/>
        <testcase classname="shop.Cart" name="adds" time="0.25"/>
        <testcase classname="shop.Cart" name="pays" time="1.0">
          <failure message="expected 3 but was 2">stack</failure>
        </testcase>
      </testsuite>
      """;

  private static final String SECOND =
      """
      <testsuites><testsuite name="shop">
        <testcase classname="shop.Cart" name="adds"/>
        <testcase classname="shop.Cart" name="skips"><skipped/></testcase>
      </testsuite></testsuites>
      """;

  private static String multipart(String... files) {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < files.length; i++) {
      body.append("--")
          .append(BOUNDARY)
          .append("\r\nContent-Disposition: form-data; name=\"report\"; filename=\"TEST-")
          .append(i + 1)
          .append(".xml\"\r\nContent-Type: application/xml\r\n\r\n")
          .append(files[i])
          .append("\r\n");
    }
    return body.append("--").append(BOUNDARY).append("--\r\n").toString();
  }

  private HttpResponse<String> upload(String scenarioId, String query, String... files)
      throws Exception {
    return send(
        "POST",
        "/api/v1/scenarios/" + scenarioId + "/imports" + query,
        multipart(files),
        ADMIN,
        "Content-Type",
        "multipart/form-data; boundary=" + BOUNDARY);
  }

  private HttpResponse<String> uploadWithKey(String scenarioId, String key, String file)
      throws Exception {
    return send(
        "POST",
        "/api/v1/scenarios/" + scenarioId + "/imports",
        multipart(file),
        ADMIN,
        "Content-Type",
        "multipart/form-data; boundary=" + BOUNDARY,
        "Idempotency-Key",
        key);
  }

  private long executionsOf(String scenarioId) {
    return mongo
        .count(
            Query.query(
                org.springframework.data.mongodb.core.query.Criteria.where("scenarioId")
                    .is(scenarioId)),
            "executions")
        .block();
  }

  private String scenario(String name, String notifications) throws Exception {
    String suite = created("/api/v1/suites", Fixtures.suite(name + " suite"));
    String configuration =
        created("/api/v1/configurations", Fixtures.configuration(name + " configuration"));
    String scenario = Fixtures.scenario(name, suite, configuration);
    if (notifications != null) {
      scenario = scenario.replaceFirst("}\\s*$", ", \"notifications\": " + notifications + "}");
    }
    return created("/api/v1/scenarios", scenario);
  }

  @Test
  void givenReportsWithDuplicateCaseNames_whenImported_thenEveryCaseIsStoredInAFinishedExecution()
      throws Exception {
    String scenarioId = scenario("imported", null);

    HttpResponse<String> response = upload(scenarioId, "?machine=ci-runner-7", FIRST, SECOND);

    assertEquals(201, response.statusCode(), response.body());
    JsonNode execution = json.readTree(response.body());
    String id = execution.get("id").asText();
    assertEquals("/api/v1/executions/" + id, response.headers().firstValue("Location").get());
    assertEquals("import", execution.get("source").asText());
    assertEquals("finished", execution.get("state").asText());
    assertEquals("failed", execution.get("result").asText());
    assertEquals(1, execution.get("number").asLong());
    assertTrue(execution.get("workflowId").isNull(), response.body());
    assertEquals(
        "{\"ok\":3,\"failed\":1,\"partial\":0,\"inconclusive\":1}",
        execution.get("counters").toString());

    JsonNode results =
        json.readTree(send("GET", "/api/v1/executions/" + id + "/results", null, ADMIN).body())
            .get("items");
    List<String> cases = new ArrayList<>();
    results.forEach(
        r -> {
          cases.add(r.get("case").asText());
          assertEquals("ci-runner-7", r.get("machine").asText());
          assertEquals("t1", r.get("testId").asText());
        });
    assertEquals(
        List.of(
            "shop.Cart.adds",
            "shop.Cart.adds #2",
            "shop.Cart.adds #3",
            "shop.Cart.pays",
            "shop.Cart.skips"),
        cases.stream().sorted().toList());

    String suiteId = executions.suiteId(id).block();
    JsonNode history =
        json.readTree(
            send("GET", "/api/v1/suites/" + suiteId + "/tests/t1/history", null, ADMIN).body());
    assertEquals(id, history.get("runs").get(0).get("executionId").asText(), history.toString());

    // Never a run for the reconciler: terminal from its first write, no workflow, nothing owed.
    assertEquals(0, executions.findActiveRequestedBefore(java.time.Instant.now()).count().block());
    assertTrue(!executions.findNotifyPending().collectList().block().contains(id));
  }

  @Test
  void givenAScenarioWithNotifications_whenImported_thenItsNotificationsAreOwed() throws Exception {
    String scenarioId =
        scenario(
            "imported notified",
            "[{\"type\": \"email\", \"to\": [\"lead@example.com\"], \"on\": \"finish\"}]");

    HttpResponse<String> response = upload(scenarioId, "", SECOND);

    assertEquals(201, response.statusCode(), response.body());
    String id = json.readTree(response.body()).get("id").asText();
    assertTrue(
        executions.findNotifyPending().collectList().block().contains(id),
        "the reconciler starts the notifications of an execution carrying the flag");
  }

  @Test
  void givenBadUploads_whenImported_thenEachIsRefusedAndNothingIsStored() throws Exception {
    String scenarioId = scenario("imported refused", null);
    String xxe =
        """
        <?xml version="1.0"?>
        <!DOCTYPE testsuite [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
        <testsuite><testcase name="&secret;"/></testsuite>
        """;
    long executionsBefore = mongo.count(new Query(), "executions").block();
    long bucketsBefore = mongo.count(new Query(), "result-buckets").block();

    assertProblem(400, "not readable JUnit XML", upload(scenarioId, "", FIRST, "<html/>"));
    assertProblem(400, "report 'TEST-1.xml'", upload(scenarioId, "", xxe));
    assertProblem(400, "no test case", upload(scenarioId, "", "<testsuite/>"));
    assertProblem(
        400,
        "part 'other'",
        send(
            "POST",
            "/api/v1/scenarios/" + scenarioId + "/imports",
            multipart(FIRST).replace("name=\"report\"", "name=\"other\""),
            ADMIN,
            "Content-Type",
            "multipart/form-data; boundary=" + BOUNDARY));
    assertProblem(400, "not a test of the suite", upload(scenarioId, "?test=nope", FIRST));
    assertProblem(400, "machine", upload(scenarioId, "?machine=%20", FIRST));
    assertProblem(404, "does not exist", upload("000000000000000000000000", "", FIRST));
    assertProblem(
        400,
        "body",
        send(
            "POST",
            "/api/v1/scenarios/" + scenarioId + "/imports",
            "--" + BOUNDARY + "--\r\n",
            ADMIN,
            "Content-Type",
            "multipart/form-data; boundary=" + BOUNDARY));
    assertProblem(
        413, "limit", upload(scenarioId, "", FIRST.replace("stack", "x".repeat(17 << 20))));

    assertEquals(executionsBefore, mongo.count(new Query(), "executions").block());
    assertEquals(bucketsBefore, mongo.count(new Query(), "result-buckets").block());
    HttpResponse<String> accepted = upload(scenarioId, "?test=t1", SECOND);
    assertEquals(201, accepted.statusCode(), accepted.body());
    assertEquals(
        1, json.readTree(accepted.body()).get("number").asLong(), "no refusal took a number");
  }

  @Test
  void givenAnIdempotencyKey_whenTheSameUploadIsSentAgain_thenTheFirstExecutionIsAnswered()
      throws Exception {
    String scenarioId = scenario("imported twice", null);
    String key = java.util.UUID.randomUUID().toString();

    HttpResponse<String> first = uploadWithKey(scenarioId, key, SECOND);
    HttpResponse<String> again = uploadWithKey(scenarioId, key, SECOND);

    assertEquals(201, first.statusCode(), first.body());
    assertEquals(201, again.statusCode(), again.body());
    JsonNode stored = json.readTree(first.body());
    JsonNode replayed = json.readTree(again.body());
    assertEquals(stored.get("id"), replayed.get("id"));
    assertEquals(stored.get("number"), replayed.get("number"));
    assertEquals(stored.get("counters"), replayed.get("counters"));
    assertEquals(first.headers().firstValue("Location"), again.headers().firstValue("Location"));
    assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(""));
    assertTrue(first.headers().firstValue("Idempotent-Replayed").isEmpty());
    assertEquals(1, executionsOf(scenarioId), "one execution for one key");

    // Keys are per scenario: another scenario's upload with it is its own.
    String other = scenario("imported elsewhere", null);
    assertEquals(201, uploadWithKey(other, key, SECOND).statusCode());
    assertEquals(1, executionsOf(other));
  }

  @Test
  void givenAKeyUsedBefore_whenOtherReportsAreSentWithIt_thenTheyAreRefusedNamingTheKey()
      throws Exception {
    String scenarioId = scenario("imported conflict", null);
    assertEquals(201, uploadWithKey(scenarioId, "ci-build-41", SECOND).statusCode());

    assertProblem(
        409, "Idempotency-Key 'ci-build-41'", uploadWithKey(scenarioId, "ci-build-41", FIRST));
    assertProblem(
        409,
        "Idempotency-Key 'ci-build-41'",
        send(
            "POST",
            "/api/v1/scenarios/" + scenarioId + "/imports?machine=elsewhere",
            multipart(SECOND),
            ADMIN,
            "Content-Type",
            "multipart/form-data; boundary=" + BOUNDARY,
            "Idempotency-Key",
            "ci-build-41"));
    assertProblem(400, "Idempotency-Key", uploadWithKey(scenarioId, "has space", SECOND));
    assertProblem(400, "Idempotency-Key", uploadWithKey(scenarioId, "k".repeat(256), SECOND));
    assertEquals(1, executionsOf(scenarioId));
  }

  @Test
  void givenNoKey_whenTheSameUploadIsSentTwice_thenTwoExecutionsAreStored() throws Exception {
    String scenarioId = scenario("imported keyless", null);

    HttpResponse<String> first = upload(scenarioId, "", SECOND);
    HttpResponse<String> second = upload(scenarioId, "", SECOND);

    assertEquals(201, first.statusCode(), first.body());
    assertEquals(201, second.statusCode(), second.body());
    assertTrue(
        !json.readTree(first.body()).get("id").equals(json.readTree(second.body()).get("id")));
    assertEquals(2, executionsOf(scenarioId));
  }

  @Test
  void givenAnImportThatDiedBeforeItsExecution_whenRetriedWithItsKey_thenItResumesOnce()
      throws Exception {
    String scenarioId = scenario("imported resumed", null);
    HttpResponse<String> first = uploadWithKey(scenarioId, "resume-me", FIRST);
    assertEquals(201, first.statusCode(), first.body());
    String id = json.readTree(first.body()).get("id").asText();
    // As if the api had died after the results, before the execution's insert.
    mongo
        .remove(
            Query.query(org.springframework.data.mongodb.core.query.Criteria.where("_id").is(id)),
            "executions")
        .block();
    mongo
        .updateFirst(
            Query.query(
                org.springframework.data.mongodb.core.query.Criteria.where("executionId").is(id)),
            new org.springframework.data.mongodb.core.query.Update()
                .set("state", "importing")
                .set("unfinishedSince", java.util.Date.from(java.time.Instant.now())),
            "imports")
        .block();

    HttpResponse<String> retried = uploadWithKey(scenarioId, "resume-me", FIRST);

    assertEquals(201, retried.statusCode(), retried.body());
    JsonNode resumed = json.readTree(retried.body());
    assertEquals(id, resumed.get("id").asText(), "the execution the journal named");
    assertEquals(
        "{\"ok\":2,\"failed\":1,\"partial\":0,\"inconclusive\":0}",
        resumed.get("counters").toString(),
        "each result counted once");
    assertEquals(1, executionsOf(scenarioId));
    assertEquals(
        "true",
        uploadWithKey(scenarioId, "resume-me", FIRST)
            .headers()
            .firstValue("Idempotent-Replayed")
            .get());
  }

  private void assertProblem(int status, String detail, HttpResponse<String> response)
      throws Exception {
    assertEquals(status, response.statusCode(), response.body());
    assertTrue(
        response.headers().firstValue("Content-Type").orElse("").contains("problem+json"),
        response.toString());
    assertTrue(
        json.readTree(response.body()).path("detail").asText().contains(detail), response.body());
  }
}
