package io.cta.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.cta.server.definition.ScenarioDocument;
import io.cta.server.security.Role;
import io.cta.server.security.TokenService;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Every REST endpoint, found from the api's own request mappings (so a new endpoint is covered
 * without editing this test), against every role: 401 without a token, 403 for a role that may not
 * call it, never a 5xx other than 503 (Temporal is deliberately unreachable here), and present in
 * the OpenAPI description. Also the actuator: public health that reports Temporal down, metrics for
 * user roles only.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    // Only here, to see which check failed; production answers the status alone.
    properties = "management.endpoint.health.show-components=always")
class EndpointContractTest {

  private static final MongoServer mongo = new MongoServer(new MemoryBackend());
  private static final InetSocketAddress mongoAddress = mongo.bind();
  private static final String ADMIN = "cta_contract_admin_" + System.nanoTime();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add(
        "spring.mongodb.uri",
        () -> "mongodb://127.0.0.1:" + mongoAddress.getPort() + "/cta-contract");
    registry.add("cta.admin-token", () -> ADMIN);
    // Nothing listens there: calls that need Temporal answer 503, which is allowed here.
    registry.add("cta.temporal.target", () -> "127.0.0.1:1");
  }

  @AfterAll
  static void stopMongo() {
    mongo.shutdownNow();
  }

  @LocalServerPort int port;

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  @Autowired TokenService tokens;

  @Autowired ReactiveMongoTemplate documents;

  private final ObjectMapper json = new ObjectMapper();

  record Endpoint(String method, String path) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  private List<Endpoint> endpoints() {
    Set<String> seen = new TreeSet<>();
    List<Endpoint> endpoints = new ArrayList<>();
    for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
      for (PathPattern pattern : info.getPatternsCondition().getPatterns()) {
        String path = pattern.getPatternString();
        if (!path.startsWith("/api/")) {
          continue;
        }
        for (RequestMethod method : info.getMethodsCondition().getMethods()) {
          if (seen.add(method + " " + path)) {
            endpoints.add(new Endpoint(method.name(), path));
          }
        }
      }
    }
    assertTrue(endpoints.size() >= 20, "found " + endpoints);
    return endpoints;
  }

  /** Who may call what, stated independently of the access policy it checks. */
  private static boolean allowed(Role role, Endpoint endpoint) {
    return switch (role) {
      case admin -> true;
      case operator -> !adminOnly(endpoint);
      case viewer ->
          (endpoint.method().equals("GET") || endpoint.path().equals("/api/v1/ws/tickets"))
              && !adminOnly(endpoint);
      case agent -> false;
    };
  }

  private static boolean adminOnly(Endpoint endpoint) {
    return endpoint.path().startsWith("/api/v1/tokens")
        || endpoint.path().startsWith("/api/v1/audit");
  }

  private HttpResponse<String> call(Endpoint endpoint, String token) throws Exception {
    String path = endpoint.path().replaceAll("\\{[^}]+}", "no-such-id");
    boolean withBody = Set.of("POST", "PUT", "PATCH").contains(endpoint.method());
    return send(endpoint.method(), path, withBody ? "{}" : null, token);
  }

  private HttpResponse<String> send(
      String method, String path, String body, String token, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .timeout(java.time.Duration.ofSeconds(120))
            .header("Content-Type", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    // A fresh connection per call: with the JDK client reusing connections here, a call now and
    // then got no answer (curl reusing connections against the same api does not reproduce it).
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .build()
        .send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void givenEveryEndpointAndEveryRole_whenCalled_thenOnlyAllowedRolesGetThroughAndNothingFails()
      throws Exception {
    Map<Role, String> secrets =
        Map.of(
            Role.admin, ADMIN,
            Role.operator, tokens.create("contract operator", Role.operator, null).block().secret(),
            Role.viewer, tokens.create("contract viewer", Role.viewer, null).block().secret(),
            Role.agent, tokens.create("contract agent", Role.agent, "m1").block().secret());
    List<String> wrong = new ArrayList<>();
    for (Endpoint endpoint : endpoints()) {
      int anonymous = call(endpoint, null).statusCode();
      if (anonymous != 401) {
        wrong.add(endpoint + " without a token: " + anonymous);
      }
      for (Map.Entry<Role, String> role : secrets.entrySet()) {
        HttpResponse<String> response;
        try {
          response = call(endpoint, role.getValue());
        } catch (java.net.http.HttpTimeoutException hung) {
          wrong.add(endpoint + " as " + role.getKey() + ": no answer within 20 s");
          continue;
        }
        int status = response.statusCode();
        boolean refused = status == 401 || status == 403;
        if (allowed(role.getKey(), endpoint) == refused) {
          wrong.add(endpoint + " as " + role.getKey() + ": " + status);
        }
        if (status >= 500 && status != 503) {
          wrong.add(endpoint + " as " + role.getKey() + ": " + status + " " + response.body());
        }
        if (status >= 400
            && !response.headers().firstValue("Content-Type").orElse("").contains("problem+json")) {
          wrong.add(endpoint + " as " + role.getKey() + ": " + status + " is not a problem detail");
        }
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void givenTemporalUnreachable_whenProbingReadiness_thenNotReadyWithMongoUpAndTemporalDown()
      throws Exception {
    HttpResponse<String> readiness = send("GET", "/actuator/health/readiness", null, null);

    assertEquals(503, readiness.statusCode(), readiness.body());
    JsonNode components = json.readTree(readiness.body()).get("components");
    assertEquals("UP", components.get("mongo").get("status").asText(), readiness.body());
    assertEquals("DOWN", components.get("temporal").get("status").asText(), readiness.body());
    assertEquals(200, send("GET", "/actuator/health/liveness", null, null).statusCode());
  }

  @Test
  void givenEachRole_whenScrapingMetrics_thenUserRolesGetThemWithTheTemporalSdksOwn()
      throws Exception {
    String viewer = tokens.create("scraper", Role.viewer, null).block().secret();
    String agent = tokens.create("scraping agent", Role.agent, "m2").block().secret();
    // A Temporal call to count: the readiness check describes the namespace (and fails).
    send("GET", "/actuator/health/readiness", null, null);

    assertEquals(401, send("GET", "/actuator/prometheus", null, null).statusCode());
    assertEquals(403, send("GET", "/actuator/prometheus", null, agent).statusCode());
    assertEquals(403, send("GET", "/actuator/info", null, viewer).statusCode());
    assertEquals(200, send("GET", "/actuator/info", null, ADMIN).statusCode());
    // The SDK flushes its meters every 10 s.
    await()
        .atMost(java.time.Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              HttpResponse<String> scrape = send("GET", "/actuator/prometheus", null, viewer);
              assertEquals(200, scrape.statusCode());
              assertTrue(
                  scrape
                      .body()
                      .lines()
                      .anyMatch(
                          line ->
                              line.startsWith("temporal_request_total{")
                                  && line.contains("operation=\"DescribeNamespace\"")),
                  "temporal_request_total of DescribeNamespace");
            });
  }

  @Test
  void givenAnETag_whenPuttingWithIfMatch_thenAStaleTagGets412AndEveryChangeIsAudited()
      throws Exception {
    String suite =
        "{\"name\": \"%s\", \"tests\": [{\"id\": \"t\", \"stages\": [{\"name\": \"run\", \"run\": \"true\"}]}]}";
    String id =
        json.readTree(send("POST", "/api/v1/suites", suite.formatted("v1"), ADMIN).body())
            .get("id")
            .asText();
    String path = "/api/v1/suites/" + id;
    String first = send("GET", path, null, ADMIN).headers().firstValue("ETag").orElseThrow();

    HttpResponse<String> updated =
        send("PUT", path, suite.formatted("v2"), ADMIN, "If-Match", first);
    HttpResponse<String> stale = send("PUT", path, suite.formatted("v3"), ADMIN, "If-Match", first);

    assertEquals(200, updated.statusCode(), updated.body());
    String second = updated.headers().firstValue("ETag").orElseThrow();
    assertTrue(!second.equals(first), "a change changes the tag");
    assertEquals(412, stale.statusCode(), stale.body());
    assertTrue(stale.headers().firstValue("Content-Type").orElse("").contains("problem+json"));
    assertEquals("v2", json.readTree(send("GET", path, null, ADMIN).body()).get("name").asText());
    assertEquals(
        200, send("PUT", path, suite.formatted("v4"), ADMIN).statusCode(), "no If-Match: allowed");
    assertEquals("v4", json.readTree(send("GET", path, null, ADMIN).body()).get("name").asText());

    // Every change is in the audit log, newest first, with who, what and the outcome.
    JsonNode audit =
        json.readTree(send("GET", "/api/v1/audit?resourceId=" + id, null, ADMIN).body());
    List<String> entries = new ArrayList<>();
    for (JsonNode entry : audit.get("items")) {
      entries.add(
          entry.get("method").asText()
              + " "
              + entry.get("status").asInt()
              + " by "
              + entry.get("by").asText());
    }
    assertEquals(
        List.of("PUT 200 by admin", "PUT 412 by admin", "PUT 200 by admin", "POST 201 by admin"),
        entries);
  }

  private String create(String path, String body) throws Exception {
    HttpResponse<String> created = send("POST", path, body, ADMIN);
    assertEquals(201, created.statusCode(), created.body());
    return json.readTree(created.body()).get("id").asText();
  }

  /** A scenario body on a new suite and configuration, with these notifications (JSON). */
  private String scenarioWith(String notifications) throws Exception {
    String suite =
        create(
            "/api/v1/suites",
            "{\"name\": \"notified\", \"tests\": [{\"id\": \"t\", \"stages\":"
                + " [{\"name\": \"run\", \"run\": \"true\"}]}]}");
    String configuration =
        create(
            "/api/v1/configurations",
            "{\"name\": \"notified\", \"target\": {\"machine\": \"m1\"}}");
    return "{\"name\": \"notified\", \"testSuiteId\": \"%s\", \"configurationId\": \"%s\","
            .formatted(suite, configuration)
        + " \"notifications\": "
        + notifications
        + "}";
  }

  @Test
  void givenAWebhookSecret_whenTheScenarioIsSavedReadListedAndRun_thenNoAnswerContainsIt()
      throws Exception {
    String secret = "whsec-" + System.nanoTime();
    String webhook =
        "{\"type\": \"webhook\", \"url\": \"https://hooks.example.com/cta\", \"on\": \"not-ok\"%s}";
    String email = "{\"type\": \"email\", \"to\": [\"lead@example.com\"]}";
    String withSecret =
        scenarioWith(
            "[" + webhook.formatted(", \"secret\": \"" + secret + "\"") + ", " + email + "]");

    HttpResponse<String> created = send("POST", "/api/v1/scenarios", withSecret, ADMIN);
    String id = json.readTree(created.body()).get("id").asText();
    String withoutSecret =
        withSecret
            .replace(", \"secret\": \"" + secret + "\"", "")
            .replace("notified\",", "renamed\",");
    HttpResponse<String> updated = send("PUT", "/api/v1/scenarios/" + id, withoutSecret, ADMIN);
    HttpResponse<String> run = send("POST", "/api/v1/scenarios/" + id + "/run", null, ADMIN);
    String executionId = json.readTree(run.body()).get("id").asText();
    List<HttpResponse<String>> answers =
        List.of(
            created,
            updated,
            run,
            send("GET", "/api/v1/scenarios/" + id, null, ADMIN),
            send("GET", "/api/v1/scenarios", null, ADMIN),
            send("GET", "/api/v1/executions/" + executionId, null, ADMIN),
            send("GET", "/api/v1/executions/" + executionId + "/notifications", null, ADMIN));

    for (HttpResponse<String> answer : answers) {
      assertTrue(answer.statusCode() < 300, answer.statusCode() + " " + answer.body());
      assertTrue(!answer.body().contains(secret), "the secret came back: " + answer.body());
    }
    JsonNode notifications = json.readTree(updated.body()).get("notifications");
    assertEquals(
        "{\"type\":\"webhook\",\"url\":\"https://hooks.example.com/cta\",\"secretSet\":true,\"on\":\"not-ok\"}",
        notifications.get(0).toString(),
        "a PUT without the secret keeps it");
    assertEquals(
        "{\"type\":\"email\",\"to\":[\"lead@example.com\"],\"on\":\"finish\"}",
        notifications.get(1).toString());
    assertEquals(
        secret,
        documents.findById(id, ScenarioDocument.class).block().notifications().get(0).secret(),
        "stored for the consumer");
    assertEquals(
        0,
        json.readTree(answers.get(6).body()).get("items").size(),
        "nothing delivered before the execution completes");
  }

  @Test
  void givenBadNotifications_whenSaved_thenTheProblemNamesTheFieldAndNeverQuotesTheSecret()
      throws Exception {
    String longSecret = "s".repeat(501);
    Map<String, String> cases =
        Map.of(
            "[{\"type\": \"webhook\", \"url\": \"ftp://example.com/\"}]",
            "notifications[0].url: an absolute http or https URL",
            "[{\"type\": \"email\", \"to\": [\"lead@example.com\", \"nobody\"]}]",
            "notifications[0].to[1]: not an email address",
            "[{\"type\": \"email\", \"to\": []}]",
            "notifications[0].to: between 1 and 50 email addresses",
            "[{\"type\": \"webhook\", \"url\": \"https://example.com/\"}, {\"type\": \"chain\","
                + " \"scenarioId\": \"no-such-scenario\"}]",
            "notifications[1].scenarioId: scenario 'no-such-scenario' does not exist",
            "[{\"on\": \"finish\"}]",
            "notifications[0].type: must be webhook, email or chain",
            "[{\"type\": \"webhook\", \"url\": \"https://example.com/\", \"secret\": \""
                + longSecret
                + "\"}]",
            "notifications[0].secret: at most 500 characters");

    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> answer =
          send("POST", "/api/v1/scenarios", scenarioWith(c.getKey()), ADMIN);
      JsonNode problem = json.readTree(answer.body());
      if (answer.statusCode() != 400
          || !c.getValue().equals(problem.path("detail").asText())
          || answer.body().contains(longSecret)) {
        wrong.add(answer.statusCode() + " " + answer.body());
      }
    }
    HttpResponse<String> badOn =
        send(
            "POST",
            "/api/v1/scenarios",
            scenarioWith("[{\"type\": \"email\", \"to\": [\"a@b.c\"], \"on\": \"sometimes\"}]"),
            ADMIN);
    assertEquals(List.of(), wrong);
    assertEquals(400, badOn.statusCode(), badOn.body());
    assertEquals(
        "notifications[0].on: must be one of [finish, not-ok, state-change]",
        json.readTree(badOn.body()).get("detail").asText());
  }

  @Test
  void givenReportGlobs_whenASuiteIsSaved_thenGlobsOutsideTheWorkDirAreRefusedNamingTheField()
      throws Exception {
    Map<String, String> cases =
        Map.of(
            "[\"/etc/*.xml\"]", "tests[0].reports[0]",
            "[\"target/*.xml\", \"../other/*.xml\"]", "tests[0].reports[1]",
            "[\"build\\\\..\\\\..\\\\x.xml\"]", "tests[0].reports[0]",
            "[\"C:/reports/*.xml\"]", "tests[0].reports[0]",
            "[\"\"]", "tests[0].reports[0]");
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> answer = send("POST", "/api/v1/suites", suiteWith(c.getKey()), ADMIN);
      String detail = json.readTree(answer.body()).path("detail").asText();
      if (answer.statusCode() != 400 || !detail.startsWith(c.getValue() + ": ")) {
        wrong.add(c.getKey() + " -> " + answer.statusCode() + " " + answer.body());
      }
    }

    HttpResponse<String> good =
        send(
            "POST",
            "/api/v1/suites",
            suiteWith("[\"target/surefire-reports/TEST-*.xml\", \"**/junit.xml\"]"),
            ADMIN);

    assertEquals(List.of(), wrong);
    assertEquals(201, good.statusCode(), good.body());
    assertEquals(
        "**/junit.xml",
        json.readTree(good.body()).get("tests").get(0).get("reports").get(1).asText());
  }

  private static String suiteWith(String reports) {
    return "{\"name\": \"reports\", \"tests\": [{\"id\": \"t\", \"reports\": "
        + reports
        + ", \"stages\": [{\"name\": \"run\", \"run\": \"true\"}]}]}";
  }

  @Test
  void givenASuiteOfTenThousandTests_whenCreated_thenItIsAcceptedWholeBelowTheBodyLimit()
      throws Exception {
    StringBuilder tests = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      tests.append(i == 0 ? "" : ",");
      tests
          .append("{\"id\": \"test-")
          .append(i)
          .append("\", \"stages\": [{\"name\": \"run\", \"run\": \"true\"}]}");
    }
    String body = "{\"name\": \"large\", \"tests\": [" + tests + "]}";
    assertTrue(
        body.length() > 256 * 1024, "more than the codecs' default 256 KB: " + body.length());

    HttpResponse<String> created = send("POST", "/api/v1/suites", body, ADMIN);

    assertEquals(
        201,
        created.statusCode(),
        created.body().substring(0, Math.min(300, created.body().length())));
    assertEquals(10_000, json.readTree(created.body()).get("tests").size());
  }

  @Test
  void givenTheApiDescription_whenFetchedWithoutAToken_thenEveryEndpointAndTheBearerSchemeAreInIt()
      throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v3/api-docs"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    JsonNode openApi = json.readTree(response.body());
    assertEquals(
        "bearer",
        openApi.get("components").get("securitySchemes").get("bearer").get("scheme").asText());
    JsonNode paths = openApi.get("paths");

    List<String> missing = new ArrayList<>();
    for (Endpoint endpoint : endpoints()) {
      JsonNode path = paths.get(endpoint.path());
      if (path == null || !path.has(endpoint.method().toLowerCase())) {
        missing.add(endpoint.toString());
      }
    }
    assertEquals(List.of(), missing, "missing from /v3/api-docs");
  }
}
