package io.cta.agent.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cta.activities.TestStatus;
import io.cta.activities.agent.TestSpec;
import io.cta.activities.events.AgentEvent;
import io.cta.agent.run.ResultFiles;
import io.cta.agent.run.TestOutcome;
import io.cta.agent.run.TestRun;
import io.cta.testrunner.result.Verdict;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local results endpoint over real HTTP on loopback, with a test run behind it. */
class LocalResultsServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROBLEM = "application/problem+json";

  @TempDir Path work;
  @TempDir Path outside;

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AgentEvent> events = new CopyOnWriteArrayList<>();
  private LocalResultsServer server;
  private TestRun run;

  @BeforeEach
  void start() throws IOException {
    server = LocalResultsServer.start(0);
    run = testRun("t1");
    server.open(run);
    Files.createDirectories(work.resolve("logs"));
    Files.writeString(work.resolve("logs/app.log"), "started\n");
    Files.createDirectories(work.resolve("shots"));
    Files.write(work.resolve("shots/login.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private TestRun testRun(String testId) {
    return new TestRun(
        "e1",
        2,
        new TestSpec(testId, testId, "commandLine", List.of(), List.of()),
        "lab-01",
        work,
        events::add,
        () -> {},
        server.url(),
        ResultFiles.NONE);
  }

  private String resultsUrl(TestRun testRun) {
    return testRun.environment().get("CTA_RESULTS_URL");
  }

  private String testStatusUrl() {
    return run.environment().get("CTA_TESTSTATUS_URL");
  }

  private HttpResponse<String> send(String method, String url, String type, String body)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
    if (type != null) {
      request.header("Content-Type", type);
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> postJson(String body) throws Exception {
    return send("POST", resultsUrl(run), "application/json", body);
  }

  private List<AgentEvent> results() {
    return events.stream().filter(e -> e.type().equals(AgentEvent.RESULT)).toList();
  }

  @Test
  void givenTheRunsEnvironment_whenRead_thenItNamesTheLoopbackEndpointAndTheRun() {
    Map<String, String> env = run.environment();

    assertEquals("e1", env.get("CTA_EXECUTION_ID"));
    assertEquals("t1", env.get("CTA_TEST_ID"));
    assertEquals("2", env.get("CTA_ATTEMPT"));
    assertEquals(server.url() + "/runs/" + run.runId() + "/results", env.get("CTA_RESULTS_URL"));
    assertEquals(server.url() + "/testframework/teststatus", env.get("CTA_TESTSTATUS_URL"));
    assertTrue(server.url().startsWith("http://127.0.0.1:"), server.url());
    assertTrue(run.runId().length() >= 22, "a run id is not guessable: " + run.runId());
  }

  @Test
  void givenAJsonResult_whenPosted_thenItIsSentWithItsFieldsAndAloneDecidesTheTest()
      throws Exception {
    String body =
        "{\"case\": \"login as admin\", \"status\": \"failed\", \"message\": \"no dashboard\","
            + " \"description\": \"after 3 tries\", \"durationMs\": 1500, \"executionId\": \"e1\","
            + " \"testId\": \"t1\", \"custom\": {\"browser\": \"firefox\", \"retries\": 3},"
            + " \"attachments\": [\"logs/app.log\"], \"screenshots\": [\""
            + work.resolve("shots/login.png")
            + "\"]}";

    HttpResponse<String> answer = postJson(body);

    assertEquals(202, answer.statusCode(), answer.body());
    assertEquals(
        JSON.readTree(
            "{\"executionId\": \"e1\", \"testId\": \"t1\", \"attempt\": 2, \"case\": \"login as"
                + " admin\", \"status\": \"failed\"}"),
        JSON.readTree(answer.body()));
    AgentEvent result = results().get(0);
    assertEquals("result/e1/t1/login as admin/lab-01/2", result.key());
    assertEquals("failed", result.status());
    assertEquals("no dashboard", result.message());
    assertEquals("after 3 tries", result.description());
    assertEquals(1500L, result.durationMs());
    assertEquals(Map.of("browser", "firefox", "retries", "3"), result.custom());
    assertEquals(List.of("logs/app.log"), result.attachments());
    assertEquals(List.of("shots/login.png"), result.screenshots());
    assertEquals(
        new TestOutcome(TestStatus.failed, 1),
        run.finish(Verdict.passed("passed")),
        "an explicit result: a zero exit adds no ok result");
  }

  @Test
  void givenTheTestStatusForm_whenSentAsAQueryOrAFormPost_thenEachIsAResultWithCustomData()
      throws Exception {
    HttpResponse<String> get =
        send(
            "GET",
            testStatusUrl()
                + "?id=t1&status=OK&message=hello+w%C3%B6rld&build=1.2.3&browser=chrome"
                + "&attachment=logs/app.log&screenshot=shots/login.png&attachment=logs/app.log",
            null,
            null);
    HttpResponse<String> post =
        send(
            "POST",
            testStatusUrl() + "?region=eu",
            "application/x-www-form-urlencoded; charset=UTF-8",
            "status=partial&description=2+of+3+browsers&region=us&note=");

    assertEquals(202, get.statusCode(), get.body());
    assertEquals(202, post.statusCode(), post.body());
    AgentEvent first = results().get(0);
    assertEquals("", first.caseName());
    assertEquals("ok", first.status());
    assertEquals("hello wörld", first.message());
    assertEquals(Map.of("build", "1.2.3", "browser", "chrome"), first.custom());
    assertEquals(List.of("logs/app.log", "logs/app.log"), first.attachments());
    assertEquals(List.of("shots/login.png"), first.screenshots());
    AgentEvent second = results().get(1);
    assertEquals("partial", second.status());
    assertEquals("2 of 3 browsers", second.description());
    assertEquals(Map.of("region", "us", "note", ""), second.custom(), "the body's value wins");
    assertEquals(first.key(), second.key(), "the later report of the test replaces the first");
  }

  @Test
  void givenRequestsABrowserSendsForAPage_whenTheyReachEitherForm_thenEachIsA403AndNothingIsSent()
      throws Exception {
    // What a page under test can make a browser send: an image or navigation (Sec-Fetch-Site,
    // Referer), a form POST or fetch (Origin). A user typing the URL sends Sec-Fetch-Site: none.
    List<Map.Entry<String, String>> browser =
        List.of(
            Map.entry("Origin", "http://app.example"),
            Map.entry("Origin", "null"),
            Map.entry("Sec-Fetch-Site", "cross-site"),
            Map.entry("Sec-Fetch-Site", "same-site"),
            Map.entry("Referer", "http://app.example/login"));
    for (Map.Entry<String, String> header : browser) {
      for (HttpRequest request :
          List.of(
              HttpRequest.newBuilder(URI.create(testStatusUrl() + "?status=ok"))
                  .header(header.getKey(), header.getValue())
                  .GET()
                  .build(),
              HttpRequest.newBuilder(URI.create(testStatusUrl()))
                  .header(header.getKey(), header.getValue())
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString("status=ok"))
                  .build(),
              HttpRequest.newBuilder(URI.create(resultsUrl(run)))
                  .header(header.getKey(), header.getValue())
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"status\": \"ok\"}"))
                  .build())) {
        HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());

        String what = header + " " + request.method() + " " + request.uri();
        assertEquals(403, answer.statusCode(), what + ": " + answer.body());
        assertEquals(PROBLEM, answer.headers().firstValue("Content-Type").orElseThrow(), what);
        assertTrue(
            JSON.readTree(answer.body())
                .get("detail")
                .asText()
                .startsWith(header.getKey() + ": requests from web pages are refused"),
            what + ": " + answer.body());
      }
    }
    HttpResponse<String> typed =
        http.send(
            HttpRequest.newBuilder(URI.create(testStatusUrl() + "?status=ok"))
                .header("Sec-Fetch-Site", "none")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertEquals(202, typed.statusCode(), typed.body());
    assertEquals(List.of("ok"), results().stream().map(AgentEvent::status).toList());
  }

  @Test
  void givenBadPosts_whenSent_thenEachIsRefusedWithAProblemNamingTheFieldAndNothingIsSent()
      throws Exception {
    Files.writeString(outside.resolve("secret.txt"), "x");
    Files.createSymbolicLink(work.resolve("link.txt"), outside.resolve("secret.txt"));
    String results = resultsUrl(run);
    String json = "application/json";
    Map<List<String>, String> cases = new LinkedHashMap<>();
    cases.put(List.of("POST", results, json, "{}"), "400 status: required");
    cases.put(
        List.of("POST", results, json, "{\"status\": \"passed\"}"),
        "400 status: must be one of ok, failed, partial, inconclusive");
    cases.put(
        List.of("POST", results, json, "{\"status\": \"ok\", \"colour\": \"red\"}"),
        "400 colour: unknown field");
    cases.put(
        List.of("POST", results, json, "{\"status\": \"ok\", \"custom\": {\"a\": {\"b\": 1}}}"),
        "400 custom.a: wrong type");
    cases.put(
        List.of("POST", results, json, "{\"status\": \"ok\", \"durationMs\": -1}"),
        "400 durationMs: must not be negative");
    cases.put(
        List.of(
            "POST", results, json, "{\"status\": \"ok\", \"case\": \"" + "c".repeat(501) + "\"}"),
        "400 case: at most 500 characters");
    cases.put(List.of("POST", results, json, "{\"status\": "), "400 the body is not valid JSON");
    cases.put(List.of("POST", results, json, "[1]"), "400 the body must be a JSON object");
    cases.put(
        List.of(
            "POST",
            results,
            json,
            "{\"status\": \"ok\", \"attachments\": [\"../"
                + outside.getFileName()
                + "/secret.txt\"]}"),
        "400 attachments[0]: must be inside the test's working directory");
    cases.put(
        List.of(
            "POST",
            results,
            json,
            "{\"status\": \"ok\", \"screenshots\": [\"" + outside.resolve("secret.txt") + "\"]}"),
        "400 screenshots[0]: must be inside the test's working directory");
    cases.put(
        List.of("POST", results, json, "{\"status\": \"ok\", \"attachments\": [\"link.txt\"]}"),
        "400 attachments[0]: must be inside the test's working directory");
    cases.put(
        List.of("POST", results, json, "{\"status\": \"ok\", \"attachments\": [\"nope.log\"]}"),
        "400 attachments[0]: no such file");
    cases.put(
        List.of("POST", results, json, "{\"status\": \"ok\", \"attachments\": [\"logs\"]}"),
        "400 attachments[0]: not a regular file");
    cases.put(
        List.of("POST", results, json, "{\"status\": \"ok\", \"executionId\": \"e2\"}"),
        "409 executionId: this URL belongs to execution e1, not e2");
    cases.put(
        List.of("POST", results, json, "{\"status\": \"ok\", \"testId\": \"t2\"}"),
        "409 testId: this URL belongs to test 't1', not 't2'");
    cases.put(
        List.of("POST", results, "text/plain", "status=ok"),
        "415 send the result as Content-Type: application/json");
    cases.put(List.of("GET", results, "", ""), "405 use POST");
    cases.put(
        List.of("POST", server.url() + "/runs/made-up/results", json, "{\"status\": \"ok\"}"),
        "404 no test is running at this URL");
    cases.put(List.of("GET", server.url() + "/", "", ""), "404 unknown path");
    cases.put(
        List.of("GET", testStatusUrl() + "?id=t1&status=maybe", "", ""),
        "400 status: must be one of ok, failed, partial, inconclusive");
    cases.put(
        List.of("GET", testStatusUrl() + "?id=other&status=ok", "", ""),
        "409 id: test 'other' is not running on this agent");
    cases.put(
        List.of("POST", testStatusUrl(), "application/x-www-form-urlencoded", "status=ok&m=%ZZ"),
        "400 malformed URL encoding");
    cases.put(
        List.of("POST", testStatusUrl(), json, "{\"status\": \"ok\"}"),
        "415 send the parameters in the query or as application/x-www-form-urlencoded");
    cases.put(List.of("DELETE", testStatusUrl(), "", ""), "405 use GET, POST");

    List<String> wrong = new ArrayList<>();
    for (Map.Entry<List<String>, String> c : cases.entrySet()) {
      List<String> r = c.getKey();
      HttpResponse<String> answer =
          send(
              r.get(0),
              r.get(1),
              r.get(2).isEmpty() ? null : r.get(2),
              r.get(3).isEmpty() ? null : r.get(3));
      String expectedStatus = c.getValue().substring(0, 3);
      String expectedDetail = c.getValue().substring(4);
      JsonNode problem = JSON.readTree(answer.body());
      if (!String.valueOf(answer.statusCode()).equals(expectedStatus)
          || !answer.headers().firstValue("Content-Type").orElse("").equals(PROBLEM)
          || problem.path("status").asInt() != answer.statusCode()
          || !problem.path("detail").asText().startsWith(expectedDetail)) {
        wrong.add(r.get(0) + " " + r.get(3) + " -> " + answer.statusCode() + " " + answer.body());
      }
    }

    assertEquals(List.of(), wrong);
    assertEquals(List.of(), results(), "nothing refused was sent");
  }

  @Test
  void givenNoRunningTest_whenPosted_thenTheAnswerSaysNoTestIsRunning() throws Exception {
    String url = resultsUrl(run);
    server.close(run);

    HttpResponse<String> json = send("POST", url, "application/json", "{\"status\": \"ok\"}");
    HttpResponse<String> form = send("GET", testStatusUrl() + "?status=ok", null, null);

    assertEquals(404, json.statusCode(), json.body());
    assertEquals(409, form.statusCode(), form.body());
    assertEquals(
        "no test is running on this agent", JSON.readTree(form.body()).get("detail").asText());
    assertEquals(List.of(), results());
  }

  @Test
  void givenAFinishedTest_whenAPostArrivesBeforeItsUrlCloses_thenItIsRefusedAsEnded()
      throws Exception {
    run.finish(Verdict.passed("passed"));

    HttpResponse<String> late = postJson("{\"status\": \"failed\"}");

    assertEquals(409, late.statusCode(), late.body());
    assertEquals(
        "test 't1' has ended: it takes no more results",
        JSON.readTree(late.body()).get("detail").asText());
    assertEquals(List.of("ok"), results().stream().map(AgentEvent::status).toList());
  }

  @Test
  void givenTwoRunningTests_whenTheTestStatusFormIsAmbiguous_thenItIsRefusedButEachRunsUrlWorks()
      throws Exception {
    TestRun again = testRun("t1");
    TestRun other = testRun("t2");
    server.open(again);
    server.open(other);

    HttpResponse<String> ambiguous = send("GET", testStatusUrl() + "?id=t1&status=ok", null, null);
    HttpResponse<String> noId = send("GET", testStatusUrl() + "?status=ok", null, null);
    HttpResponse<String> byId = send("GET", testStatusUrl() + "?id=t2&status=failed", null, null);
    HttpResponse<String> direct =
        send("POST", resultsUrl(again), "application/json", "{\"status\": \"partial\"}");

    assertEquals(409, ambiguous.statusCode());
    assertTrue(
        JSON.readTree(ambiguous.body())
            .get("detail")
            .asText()
            .startsWith("id: 2 runs of test 't1' are running on this agent"),
        ambiguous.body());
    assertEquals(409, noId.statusCode());
    assertEquals(202, byId.statusCode(), byId.body());
    assertEquals(202, direct.statusCode(), direct.body());
    assertEquals(
        List.of("t2 failed", "t1 partial"),
        results().stream().map(e -> e.testId() + " " + e.status()).toList());
  }

  @Test
  void givenTheEndpoint_whenReachedOnAnotherInterface_thenTheConnectionIsRefused()
      throws IOException {
    int port = URI.create(server.url()).getPort();
    Optional<InetAddress> external = externalAddress();
    assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address");

    assertThrows(IOException.class, () -> connect(external.get(), port));
    connect(InetAddress.getByName("127.0.0.1"), port);
  }

  private static void connect(InetAddress address, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 1000);
    }
  }

  private static Optional<InetAddress> externalAddress() throws IOException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }
}
