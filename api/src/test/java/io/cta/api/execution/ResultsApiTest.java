package io.cta.api.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.cta.activities.ExecutionState;
import io.cta.activities.TestStatus;
import io.cta.server.definition.TestDefinition;
import io.cta.server.execution.Counting;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.LogChunkDocument;
import io.cta.server.execution.ResultDocument;
import io.cta.server.execution.ResultStore;
import io.cta.server.history.TestHistoryStore;
import io.cta.server.security.Role;
import io.cta.server.security.TokenStore;
import io.cta.server.temporal.ExecutionWorkflows;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import reactor.core.publisher.Mono;

/**
 * Results across executions over REST, on an in-memory MongoDB: the test history and its flakiness,
 * the results' history flag, rerun (with {@code onlyFailed}) and the JUnit report. Workflows are
 * not started (a mock stands in for Temporal); executions end by writing what the consumer's {@code
 * complete} writes: results, the test history, the terminal state.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ResultsApiTest {

  private static final MongoServer mongo = new MongoServer(new MemoryBackend());
  private static final InetSocketAddress mongoAddress = mongo.bind();
  private static final String ADMIN = "cta_results_admin_" + java.util.UUID.randomUUID();

  /** Test ids with the characters a key or a path might trip on. */
  private static final String PASSES = "login.page:v2";

  private static final String FAILS = "checkout.flow:pay-1";
  private static final String NEVER_RAN = "export_csv";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add(
        "spring.mongodb.uri",
        () -> "mongodb://127.0.0.1:" + mongoAddress.getPort() + "/cta-results");
    registry.add("cta.admin-token", () -> ADMIN);
    registry.add("cta.temporal.target", () -> "127.0.0.1:1");
  }

  @AfterAll
  static void stopMongo() {
    mongo.shutdownNow();
  }

  @LocalServerPort int port;

  @MockitoBean ExecutionWorkflows workflows;

  @Autowired TokenStore tokens;
  @Autowired ExecutionStore executions;
  @Autowired ResultStore results;
  @Autowired TestHistoryStore history;

  private final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void workflowsStart() {
    when(workflows.start(any())).thenReturn(Mono.just(true));
  }

  private HttpResponse<String> send(String method, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token);
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .build()
        .send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode ok(String method, String path, String body, int status) throws Exception {
    HttpResponse<String> response = send(method, path, body, ADMIN);
    assertEquals(status, response.statusCode(), method + " " + path + ": " + response.body());
    return json.readTree(response.body());
  }

  private String problem(HttpResponse<String> response, int status) throws Exception {
    assertEquals(status, response.statusCode(), response.body());
    assertTrue(
        response.headers().firstValue("Content-Type").orElse("").contains("problem+json"),
        response.headers().toString());
    return json.readTree(response.body()).get("detail").asText();
  }

  /** A suite of these tests on a one-machine configuration, and its scenario: {suite, scenario}. */
  private String[] scenario(String... testIds) throws Exception {
    List<Map<String, Object>> tests = new ArrayList<>();
    for (String id : testIds) {
      tests.add(Map.of("id", id, "stages", List.of(Map.of("name", "run", "run", "true"))));
    }
    String suite =
        ok(
                "POST",
                "/api/v1/suites",
                json.writeValueAsString(Map.of("name", "checkout", "tests", tests)),
                201)
            .get("id")
            .asText();
    String configuration =
        ok(
                "POST",
                "/api/v1/configurations",
                "{\"name\": \"lab\", \"target\": {\"machine\": \"lab-01\"}}",
                201)
            .get("id")
            .asText();
    String scenario =
        ok(
                "POST",
                "/api/v1/scenarios",
                json.writeValueAsString(
                    Map.of(
                        "name",
                        "nightly checkout",
                        "testSuiteId",
                        suite,
                        "configurationId",
                        configuration,
                        "retries",
                        1)),
                201)
            .get("id")
            .asText();
    return new String[] {suite, scenario};
  }

  private String run(String scenarioId) throws Exception {
    return ok("POST", "/api/v1/scenarios/" + scenarioId + "/run", null, 201).get("id").asText();
  }

  private static ResultDocument result(
      String executionId, String testId, int attempt, TestStatus status, long durationMs) {
    return new ResultDocument(
        ResultDocument.key(executionId, testId, "", "lab-01", attempt),
        executionId,
        testId,
        "",
        "lab-01",
        attempt,
        status,
        status == TestStatus.ok ? null : "it ended " + status,
        null,
        durationMs,
        List.of(),
        List.of(),
        Map.of(),
        Instant.now().minusMillis(durationMs),
        Instant.now(),
        false,
        Instant.now());
  }

  /** Ends the execution as the consumer's complete does: results, test history, final state. */
  private void finish(String executionId, List<ResultDocument> stored) {
    results.appendResults(executionId, stored).block();
    ExecutionDocument execution = executions.findById(executionId).block();
    String suiteId = executions.suiteId(executionId).block();
    history.record(suiteId, execution, stored, Instant.now()).block();
    executions
        .complete(
            executionId,
            ExecutionState.finished,
            null,
            Counting.count(stored, false),
            Counting.count(stored, false).result(),
            List.of(),
            Instant.now(),
            Instant.now())
        .block();
  }

  private List<String> snapshotTests(String executionId) {
    return executions.snapshot(executionId).block().suite().tests().stream()
        .map(TestDefinition::id)
        .toList();
  }

  @Test
  void givenAnExecutionWithAFailure_whenRerunWithOnlyFailed_thenOnlyNotOkTestsRunLinkedToIt()
      throws Exception {
    String[] ids = scenario(PASSES, FAILS, NEVER_RAN);
    String original = run(ids[1]);
    HttpResponse<String> tooEarly =
        send("POST", "/api/v1/executions/" + original + "/rerun", null, ADMIN);
    assertTrue(problem(tooEarly, 409).contains("is still pending"));

    finish(
        original,
        List.of(
            result(original, PASSES, 1, TestStatus.failed, 100),
            result(original, PASSES, 2, TestStatus.ok, 100),
            result(original, FAILS, 1, TestStatus.failed, 200),
            result(original, FAILS, 2, TestStatus.failed, 200)));
    HttpResponse<String> rerun =
        send(
            "POST",
            "/api/v1/executions/" + original + "/rerun",
            "{\"onlyFailed\": true, \"reason\": \"after the payment fix\"}",
            ADMIN);

    assertEquals(201, rerun.statusCode(), rerun.body());
    JsonNode view = json.readTree(rerun.body());
    String rerunId = view.get("id").asText();
    assertEquals("/api/v1/executions/" + rerunId, rerun.headers().firstValue("Location").get());
    assertEquals(original, view.get("rerunOf").asText());
    assertEquals("pending", view.get("state").asText());
    assertEquals("after the payment fix", view.get("requestReason").asText());
    assertEquals("admin", view.get("requestedBy").asText());
    assertEquals(ids[1], view.get("scenarioId").asText());
    assertEquals(executions.findById(original).block().number() + 1, view.get("number").asLong());
    assertEquals(1, view.get("retries").asInt(), "the original's snapshot");
    assertEquals(List.of(FAILS, NEVER_RAN), snapshotTests(rerunId), "a test with no result too");
    assertEquals(
        original, ok("GET", "/api/v1/executions/" + rerunId, null, 200).get("rerunOf").asText());
    assertTrue(ok("GET", "/api/v1/executions/" + original, null, 200).get("rerunOf").isNull());
    verify(workflows).start(argThat(e -> e.id().equals(rerunId)));

    String everything =
        ok("POST", "/api/v1/executions/" + original + "/rerun", null, 201).get("id").asText();
    assertEquals(List.of(PASSES, FAILS, NEVER_RAN), snapshotTests(everything));
  }

  @Test
  void givenAnExecutionWhereEverythingPassed_whenRerunWithOnlyFailed_then400SaysSo()
      throws Exception {
    String[] ids = scenario(PASSES);
    String original = run(ids[1]);
    finish(original, List.of(result(original, PASSES, 1, TestStatus.ok, 10)));

    HttpResponse<String> rerun =
        send("POST", "/api/v1/executions/" + original + "/rerun", "{\"onlyFailed\": true}", ADMIN);

    assertEquals(
        "onlyFailed: every test of execution '"
            + original
            + "' ended ok; there is nothing to rerun",
        problem(rerun, 400));
    assertTrue(
        problem(send("POST", "/api/v1/executions/nope/rerun", "{}", ADMIN), 404).contains("nope"));
    String viewer = tokens.create("results viewer", Role.viewer, null).block().secret();
    assertEquals(
        403, send("POST", "/api/v1/executions/" + original + "/rerun", "{}", viewer).statusCode());
  }

  @Test
  void givenATestThatAlternates_whenReadingItsHistory_thenItIsFlakyNewestFirstWithinTheLimit()
      throws Exception {
    String[] ids = scenario(PASSES, FAILS, NEVER_RAN);
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String id = run(ids[1]);
      finish(
          id,
          List.of(
              result(id, PASSES, 1, TestStatus.ok, 1_000 + i),
              result(id, FAILS, 1, i % 2 == 0 ? TestStatus.failed : TestStatus.ok, 2_000)));
      runs.add(0, id);
    }
    String viewer = tokens.create("history viewer", Role.viewer, null).block().secret();
    String path = "/api/v1/suites/" + ids[0] + "/tests/";

    HttpResponse<String> flaky = send("GET", path + FAILS + "/history", null, viewer);
    JsonNode stable = ok("GET", path + PASSES + "/history?limit=2", null, 200);

    assertEquals(200, flaky.statusCode(), flaky.body());
    JsonNode alternating = json.readTree(flaky.body());
    assertEquals(FAILS, alternating.get("testId").asText());
    assertEquals(50, alternating.get("limit").asInt());
    assertEquals(4, alternating.get("runs").size());
    List<String> newestFirst = new ArrayList<>();
    alternating.get("runs").forEach(r -> newestFirst.add(r.get("executionId").asText()));
    assertEquals(runs, newestFirst);
    JsonNode newest = alternating.get("runs").get(0);
    assertEquals("ok", newest.get("status").asText());
    assertEquals("nightly checkout", newest.get("scenarioName").asText());
    assertEquals("lab-01", newest.get("machine").asText());
    assertEquals(1, newest.get("attempts").asInt());
    assertEquals(2_000, newest.get("durationMs").asLong());
    assertEquals(3, alternating.get("flips").asInt());
    assertEquals(1.0, alternating.get("flakiness").asDouble());
    assertTrue(alternating.get("flaky").asBoolean());
    assertEquals(2, stable.get("runs").size(), "limit=2");
    assertEquals(1_003, stable.get("runs").get(0).get("durationMs").asLong());
    assertEquals(0.0, stable.get("flakiness").asDouble());
    assertTrue(!stable.get("flaky").asBoolean());

    assertEquals(0, ok("GET", path + NEVER_RAN + "/history", null, 200).get("runs").size());
    for (String limit : List.of("0", "201", "-1")) {
      assertEquals(
          "limit: must be between 1 and 200",
          problem(send("GET", path + PASSES + "/history?limit=" + limit, null, ADMIN), 400));
    }
    assertEquals(
        "limit: 'many' is not an integer",
        problem(send("GET", path + PASSES + "/history?limit=many", null, ADMIN), 400));
    assertTrue(problem(send("GET", path + "other/history", null, ADMIN), 404).contains("other"));
    assertTrue(
        problem(send("GET", "/api/v1/suites/nope/tests/t/history", null, ADMIN), 404)
            .contains("nope"));

    JsonNode latest = ok("GET", "/api/v1/executions/" + runs.get(0) + "/results", null, 200);
    for (JsonNode result : latest.get("items")) {
      boolean isFlaky = result.get("testId").asText().equals(FAILS);
      assertEquals(isFlaky, result.get("flakyHistory").asBoolean(), result.toString());
      assertEquals(isFlaky ? 1.0 : 0.0, result.get("flakiness").asDouble(), result.toString());
      assertTrue(!result.get("flaky").asBoolean(), "no retry in this execution");
    }
  }

  @Test
  void givenHostileTextInResults_whenReadingTheJunitReport_thenItParsesWithTheRightCounts()
      throws Exception {
    String[] ids = scenario(PASSES, FAILS, NEVER_RAN, "half", "flaky");
    String id = run(ids[1]);
    String hostile = "bad \u0000\u0001\u001b[31m <tag> & \"quotes\" ]]> \uFFFE é 😀";
    List<ResultDocument> stored = new ArrayList<>();
    stored.add(result(id, PASSES, 1, TestStatus.ok, 1_500));
    ResultDocument failed = result(id, FAILS, 1, TestStatus.failed, 250);
    stored.add(
        new ResultDocument(
            failed.id(),
            id,
            FAILS,
            "",
            "lab-01",
            1,
            TestStatus.failed,
            hostile,
            "stack\n" + hostile,
            250L,
            List.of(),
            List.of(),
            Map.of("build <&'\">", "v" + hostile),
            failed.startedAt(),
            failed.finishedAt(),
            false,
            failed.receivedAt()));
    stored.add(result(id, NEVER_RAN, 1, TestStatus.inconclusive, 0));
    stored.add(result(id, "half", 1, TestStatus.partial, 10));
    stored.add(result(id, "flaky", 1, TestStatus.failed, 10));
    stored.add(result(id, "flaky", 2, TestStatus.ok, 20));
    finish(id, stored);

    HttpResponse<byte[]> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + port + "/api/v1/executions/" + id + "/junit"))
                    .header("Authorization", "Bearer " + ADMIN)
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());

    assertEquals(200, response.statusCode());
    assertTrue(
        response.headers().firstValue("Content-Type").orElse("").startsWith("application/xml"));
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document xml = factory.newDocumentBuilder().parse(new ByteArrayInputStream(response.body()));
    Element suites = xml.getDocumentElement();
    assertEquals("testsuites", suites.getTagName());
    assertEquals("5", suites.getAttribute("tests"));
    assertEquals("2", suites.getAttribute("failures"), "failed and partial");
    assertEquals("1", suites.getAttribute("skipped"), "inconclusive");
    assertEquals("0", suites.getAttribute("errors"));
    NodeList suiteList = xml.getElementsByTagName("testsuite");
    assertEquals(1, suiteList.getLength(), "one machine");
    assertEquals("lab-01", ((Element) suiteList.item(0)).getAttribute("hostname"));
    Map<String, Element> cases = new java.util.HashMap<>();
    NodeList testcases = xml.getElementsByTagName("testcase");
    for (int i = 0; i < testcases.getLength(); i++) {
      Element testcase = (Element) testcases.item(i);
      cases.put(testcase.getAttribute("classname"), testcase);
    }
    assertEquals(5, cases.size());
    assertEquals("1.500", cases.get(PASSES).getAttribute("time"));
    assertEquals(0, cases.get(PASSES).getElementsByTagName("failure").getLength());
    Element failure = (Element) cases.get(FAILS).getElementsByTagName("failure").item(0);
    assertEquals("failed", failure.getAttribute("type"));
    String clean = "bad [31m <tag> & \"quotes\" ]]>  é 😀";
    assertEquals(clean, failure.getAttribute("message"));
    assertEquals("stack\n" + clean, failure.getTextContent());
    assertEquals(
        "v" + clean, property(cases.get(FAILS), "build <&'\">"), "custom data as properties");
    assertEquals(1, cases.get(NEVER_RAN).getElementsByTagName("skipped").getLength());
    Element partial = (Element) cases.get("half").getElementsByTagName("failure").item(0);
    assertEquals("partial", partial.getAttribute("type"));
    assertEquals("2", property(cases.get("flaky"), "cta.attempt"));
    assertEquals("true", property(cases.get("flaky"), "cta.flaky"));
    assertEquals(0, cases.get("flaky").getElementsByTagName("failure").getLength());
    assertNull(property(cases.get(PASSES), "cta.flaky"));
    assertTrue(
        problem(send("GET", "/api/v1/executions/nope/junit", null, ADMIN), 404).contains("nope"));
  }

  @Test
  void givenCharactersXmlCannotHold_whenCleaned_thenOnlyThoseAreDropped() {
    assertEquals(
        "a\tb\nc\rd é 😀 <&>",
        JunitReport.clean("a\tb\nc\rd\u0000\u0008\u001f é \uD800😀\uDFFF\uFFFE\uFFFF <&>"));
  }

  private static String property(Element testcase, String name) {
    NodeList properties = testcase.getElementsByTagName("property");
    for (int i = 0; i < properties.getLength(); i++) {
      Element property = (Element) properties.item(i);
      if (property.getAttribute("name").equals(name)) {
        return property.getAttribute("value");
      }
    }
    return null;
  }

  private static LogChunkDocument chunk(String executionId, int i) {
    return new LogChunkDocument(
        "log/" + executionId + "/" + i,
        executionId,
        i % 2 == 0 ? PASSES : FAILS,
        i % 3 == 0 ? "lab-02" : "lab-01",
        1,
        i % 4 == 0 ? "build" : "run",
        "stdout",
        i,
        "line " + i + "\n",
        Instant.now());
  }

  private List<Long> positions(JsonNode page) {
    List<Long> positions = new ArrayList<>();
    page.get("items").forEach(item -> positions.add(item.get("position").asLong()));
    return positions;
  }

  @Test
  void givenAStoredLog_whenTailedAfterPositionsInPages_thenEveryChunkComesOnceInOrderAndNextEnds()
      throws Exception {
    String id = run(scenario(PASSES, FAILS)[1]);
    List<LogChunkDocument> chunks = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      chunks.add(chunk(id, i));
    }
    results.appendLogs(id, chunks.subList(0, 100)).block();
    results.appendLogs(id, chunks.subList(100, 150)).block();
    // A redelivered chunk is shown once.
    results.appendLogs(id, List.of(chunks.get(149))).block();

    List<String> texts = new ArrayList<>();
    long after = 0;
    int pages = 0;
    while (true) {
      JsonNode page =
          ok("GET", "/api/v1/executions/" + id + "/logs?after=" + after + "&size=40", null, 200);
      assertEquals(40, page.get("size").asInt());
      assertTrue(page.get("items").size() <= 40, page.toString());
      page.get("items").forEach(item -> texts.add(item.get("text").asText()));
      pages++;
      if (page.get("next").isNull()) {
        break;
      }
      assertEquals(positions(page).get(positions(page).size() - 1), page.get("next").asLong());
      after = page.get("next").asLong();
    }
    assertEquals(4, pages);
    assertEquals(chunks.stream().map(LogChunkDocument::text).toList(), texts);

    JsonNode end = ok("GET", "/api/v1/executions/" + id + "/logs?after=151", null, 200);
    assertEquals(0, end.get("items").size());
    assertTrue(end.get("next").isNull());
    assertEquals(
        0,
        ok("GET", "/api/v1/executions/" + id + "/logs?after=100000", null, 200)
            .get("items")
            .size());

    // A chunk stored later shows after the last position read, and only it.
    results.appendLogs(id, List.of(chunk(id, 150))).block();
    JsonNode tail = ok("GET", "/api/v1/executions/" + id + "/logs?after=151", null, 200);
    assertEquals(List.of("line 150\n"), texts(tail));
    assertEquals(List.of(152L), positions(tail));
  }

  private static List<String> texts(JsonNode page) {
    List<String> texts = new ArrayList<>();
    page.get("items").forEach(item -> texts.add(item.get("text").asText()));
    return texts;
  }

  @Test
  void givenAStoredLog_whenFilteredByTestStageAndMachine_thenOnlyThoseChunksWithOrWithoutPaging()
      throws Exception {
    String id = run(scenario(PASSES, FAILS)[1]);
    List<LogChunkDocument> chunks = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      chunks.add(chunk(id, i));
    }
    results.appendLogs(id, chunks).block();
    List<String> expected =
        chunks.stream()
            .filter(c -> c.testId().equals(PASSES) && c.stage().equals("build"))
            .filter(c -> c.machine().equals("lab-02"))
            .map(LogChunkDocument::text)
            .toList();
    String filter = "test=" + PASSES + "&stage=build&machine=lab-02";

    JsonNode tail = ok("GET", "/api/v1/executions/" + id + "/logs?size=500&" + filter, null, 200);
    JsonNode whole = ok("GET", "/api/v1/executions/" + id + "/logs?" + filter, null, 200);

    assertEquals(expected, texts(tail));
    assertTrue(tail.get("next").isNull());
    // Without after or size: the shape from before tailing, every chunk on one page.
    assertEquals(expected, texts(whole));
    assertEquals(expected.size(), whole.get("total").asInt());
    assertEquals(0, whole.get("page").asInt());
    assertNull(whole.get("items").get(0).get("position"));
    assertEquals(
        60, ok("GET", "/api/v1/executions/" + id + "/logs", null, 200).get("items").size());
  }

  @Test
  void givenBadTailParameters_whenLogsAreRead_thenBadRequestNamingThem() throws Exception {
    String id = run(scenario(PASSES)[1]);
    for (String query : List.of("after=-1", "size=0", "size=501", "after=abc", "size=x")) {
      String detail =
          problem(send("GET", "/api/v1/executions/" + id + "/logs?" + query, null, ADMIN), 400);
      assertTrue(detail.startsWith(query.substring(0, query.indexOf('='))), detail);
    }
  }

  @Test
  void givenManyResults_whenPagedAndFiltered_thenThePageEnvelopeCountsTheMatchingOnes()
      throws Exception {
    String id = run(scenario(PASSES, FAILS, NEVER_RAN)[1]);
    List<ResultDocument> stored = new ArrayList<>();
    for (int attempt = 1; attempt <= 5; attempt++) {
      stored.add(result(id, PASSES, attempt, TestStatus.ok, 10));
      stored.add(result(id, FAILS, attempt, TestStatus.failed, 10));
    }
    results.appendResults(id, stored).block();

    JsonNode first = ok("GET", "/api/v1/executions/" + id + "/results?size=3", null, 200);
    JsonNode last = ok("GET", "/api/v1/executions/" + id + "/results?size=3&page=3", null, 200);
    JsonNode beyond = ok("GET", "/api/v1/executions/" + id + "/results?size=3&page=9", null, 200);
    JsonNode failed =
        ok("GET", "/api/v1/executions/" + id + "/results?status=failed&page=0&size=2", null, 200);
    JsonNode byTest = ok("GET", "/api/v1/executions/" + id + "/results?test=" + PASSES, null, 200);
    JsonNode all = ok("GET", "/api/v1/executions/" + id + "/results", null, 200);

    assertEquals(3, first.get("items").size());
    assertEquals(10, first.get("total").asInt());
    assertEquals(3, first.get("size").asInt());
    assertEquals(1, last.get("items").size());
    assertEquals(3, last.get("page").asInt());
    assertEquals(0, beyond.get("items").size());
    assertEquals(5, failed.get("total").asInt());
    assertEquals(2, failed.get("items").size());
    failed.get("items").forEach(r -> assertEquals(FAILS, r.get("testId").asText()));
    assertEquals(5, byTest.get("items").size());
    byTest.get("items").forEach(r -> assertEquals(PASSES, r.get("testId").asText()));
    // Without page or size: all of them on one page, as before paging.
    assertEquals(10, all.get("items").size());
    assertEquals(10, all.get("size").asInt());
    assertEquals(
        400,
        send("GET", "/api/v1/executions/" + id + "/results?size=501", null, ADMIN).statusCode());
  }

  @Test
  void givenTemporalUnreachable_whenTheWorkflowIsRead_thenServiceUnavailable() throws Exception {
    String id = run(scenario(PASSES)[1]);

    String detail =
        problem(send("GET", "/api/v1/executions/" + id + "/workflow", null, ADMIN), 503);

    assertTrue(detail.contains("Temporal"), detail);
  }
}
