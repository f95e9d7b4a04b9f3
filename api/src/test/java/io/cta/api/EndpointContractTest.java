package io.cta.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cta.activities.notification.NotificationType;
import io.cta.server.definition.ScenarioDocument;
import io.cta.server.notification.Delivery;
import io.cta.server.notification.DeliveryStore;
import io.cta.server.security.Role;
import io.cta.server.security.TokenStore;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Every REST endpoint, found from the api's own request mappings (so a new endpoint is covered
 * without editing this test), against every role: 401 without a token, 403 for a role that may not
 * call it, never a 5xx, and present in the OpenAPI description. Also the actuator: public health
 * and readiness with both checks, metrics for user roles only.
 */
// Only here, to see which check failed; production answers the status alone.
@TestPropertySource(properties = "management.endpoint.health.show-components=always")
class EndpointContractTest extends ApiHttpTest {

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers(registry, "cta-contract");
  }

  @Autowired TokenStore tokens;

  @Autowired ReactiveMongoTemplate documents;
  @Autowired DeliveryStore deliveries;

  private final ObjectMapper json = new ObjectMapper();

  /** Who may call what, stated independently of the access policy it checks. */
  private static boolean allowed(Role role, Endpoint endpoint) {
    return switch (role) {
      case admin -> true;
      case operator -> !adminOnly(endpoint);
      case viewer ->
          (endpoint.method().equals("GET") || endpoint.path().equals("/api/v1/ws/tickets"))
              && !adminOnly(endpoint);
      case agent, runner -> false;
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
        if (status >= 500) {
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
  void givenMongoAndTemporalUp_whenProbingReadiness_thenReadyWithBothChecksUp() throws Exception {
    HttpResponse<String> readiness = send("GET", "/actuator/health/readiness", null, null);

    assertEquals(200, readiness.statusCode(), readiness.body());
    JsonNode components = json.readTree(readiness.body()).get("components");
    assertEquals("UP", components.get("mongo").get("status").asText(), readiness.body());
    assertEquals("UP", components.get("temporal").get("status").asText(), readiness.body());
    assertEquals(200, send("GET", "/actuator/health/liveness", null, null).statusCode());
  }

  @Test
  void givenEachRole_whenScrapingMetrics_thenUserRolesGetThemWithTheTemporalSdksOwn()
      throws Exception {
    String viewer = tokens.create("scraper", Role.viewer, null).block().secret();
    String agent = tokens.create("scraping agent", Role.agent, "m2").block().secret();
    // A Temporal call to count: the readiness check describes the namespace.
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
  void givenAWebhookUrlWithSecrets_whenAViewerReadsIt_thenItIsRedactedAndCannotBeSavedBack()
      throws Exception {
    String viewer = tokens.create("webhook viewer", Role.viewer, null).block().secret();
    String operator = tokens.create("webhook operator", Role.operator, null).block().secret();
    String url = "https://hooks.example.com/services/T0/B0/key-in-path?token=in-query";
    String shown = "https://hooks.example.com/services/***?***";
    String scenario =
        scenarioWith(
            "[{\"type\": \"webhook\", \"url\": \"" + url + "\", \"secret\": \"whsec-1\"}]");
    String id = create("/api/v1/scenarios", scenario);
    String executionId =
        json.readTree(send("POST", "/api/v1/scenarios/" + id + "/run", null, operator).body())
            .get("id")
            .asText();
    deliveries
        .append(
            executionId,
            new Delivery(
                0,
                NotificationType.webhook,
                "https://hooks.example.com/services/T0/B0/key-in-path",
                1,
                Delivery.Status.failed,
                500,
                "HTTP 500",
                null,
                java.time.Instant.now()))
        .block();

    List<HttpResponse<String>> viewed =
        List.of(
            send("GET", "/api/v1/scenarios/" + id, null, viewer),
            send("GET", "/api/v1/scenarios?size=100", null, viewer),
            send("GET", "/api/v1/executions/" + executionId + "/notifications", null, viewer));
    HttpResponse<String> operatorView = send("GET", "/api/v1/scenarios/" + id, null, operator);
    HttpResponse<String> operatorLog =
        send("GET", "/api/v1/executions/" + executionId + "/notifications", null, operator);

    for (HttpResponse<String> answer : viewed) {
      assertEquals(200, answer.statusCode(), answer.body());
      assertTrue(
          !answer.body().contains("key-in-path") && !answer.body().contains("in-query"),
          "a URL secret reached a viewer: " + answer.body());
    }
    JsonNode viewerNotification = json.readTree(viewed.get(0).body()).get("notifications").get(0);
    assertEquals(shown, viewerNotification.get("url").asText());
    assertEquals(
        "https://hooks.example.com/services/***",
        json.readTree(viewed.get(2).body()).get("items").get(0).get("target").asText());
    assertEquals(
        url,
        json.readTree(operatorView.body()).get("notifications").get(0).get("url").asText(),
        "operators and admins, who may edit it, see it whole");
    assertTrue(operatorLog.body().contains("key-in-path"), operatorLog.body());

    // A client that saves what a viewer saw would lose the URL: refused, naming the field.
    HttpResponse<String> redactedBack =
        send("PUT", "/api/v1/scenarios/" + id, scenario.replace(url, shown), operator);
    HttpResponse<String> wholeBack =
        send(
            "PUT",
            "/api/v1/scenarios/" + id,
            scenario.replace(", \"secret\": \"whsec-1\"", ""),
            operator);

    assertEquals(400, redactedBack.statusCode(), redactedBack.body());
    assertEquals(
        "notifications[0].url: a redacted URL (with ***) cannot be saved; send the full URL,"
            + " which operators and admins read in the scenario",
        json.readTree(redactedBack.body()).get("detail").asText());
    assertEquals(200, wholeBack.statusCode(), wholeBack.body());
    assertEquals(
        "whsec-1",
        documents.findById(id, ScenarioDocument.class).block().notifications().get(0).secret(),
        "an omitted secret keeps the stored one");
    assertEquals(
        url, documents.findById(id, ScenarioDocument.class).block().notifications().get(0).url());
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
        "notifications[0].on: 'sometimes' is not one of [finish, not-ok, state-change]",
        json.readTree(badOn.body()).get("detail").asText());
  }

  @Test
  void givenAScheduleETag_whenPuttingWithIfMatch_thenAStaleTagGets412AndChangesNothing()
      throws Exception {
    String suite = created("/api/v1/suites", Fixtures.suite("etag suite"));
    String configuration =
        created("/api/v1/configurations", Fixtures.configuration("etag configuration"));
    String scenario =
        created("/api/v1/scenarios", Fixtures.scenario("etag scenario", suite, configuration));
    String path = "/api/v1/scenarios/" + scenario + "/schedule";

    HttpResponse<String> expectedOne =
        send("PUT", path, Fixtures.schedule("0 1 * * *"), ADMIN, "If-Match", "\"1\"");
    HttpResponse<String> first = send("PUT", path, Fixtures.schedule("0 1 * * *"), ADMIN);
    String firstTag = first.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> updated =
        send("PUT", path, Fixtures.schedule("0 2 * * *"), ADMIN, "If-Match", firstTag);
    HttpResponse<String> stale =
        send("PUT", path, Fixtures.schedule("0 3 * * *"), ADMIN, "If-Match", firstTag);

    assertEquals(412, expectedOne.statusCode(), "If-Match, but no schedule yet");
    assertEquals(200, first.statusCode(), first.body());
    assertEquals(200, updated.statusCode(), updated.body());
    String secondTag = updated.headers().firstValue("ETag").orElseThrow();
    assertTrue(!secondTag.equals(firstTag), "a change changes the tag");
    assertProblem(412, stale);
    HttpResponse<String> current = send("GET", path, null, ADMIN);
    assertEquals(secondTag, current.headers().firstValue("ETag").orElseThrow());
    assertEquals("0 2 * * *", json.readTree(current.body()).get("cron").asText());
    assertEquals(
        200,
        send("PUT", path, Fixtures.schedule("0 4 * * *"), ADMIN).statusCode(),
        "no If-Match: allowed");
    assertEquals(
        "0 4 * * *", json.readTree(send("GET", path, null, ADMIN).body()).get("cron").asText());
  }

  @Test
  void givenRequestsTheApiCannotServe_whenSent_thenEachGetsItsStatusAsAProblemDetail()
      throws Exception {
    String suite = Fixtures.suite("cannot serve");
    HttpResponse<String> wrongMethod = send("DELETE", "/api/v1/executions", null, ADMIN);

    assertProblem(404, send("GET", "/api/v1/no-such-thing", null, ADMIN));
    assertProblem(405, wrongMethod);
    assertEquals("GET", wrongMethod.headers().firstValue("Allow").orElse(""));
    assertProblem(406, send("GET", "/api/v1/suites", null, ADMIN, "Accept", "application/xml"));
    assertProblem(406, send("POST", "/api/v1/suites", suite, ADMIN, "Accept", "text/csv"));
    assertProblem(406, send("GET", "/api/v1/suites", null, ADMIN, "Accept", "no media type"));
    HttpResponse<String> tooLarge =
        send(
            "POST",
            "/api/v1/suites",
            "{\"name\": \"" + "x".repeat((16 << 20) + 1024) + "\"}",
            ADMIN);
    assertProblem(413, tooLarge);
    assertTrue(tooLarge.body().contains("larger than the limit of 16 MB"), tooLarge.body());
    assertProblem(415, send("POST", "/api/v1/suites", suite, ADMIN, "Content-Type", "text/plain"));
    assertProblem(400, send("POST", "/api/v1/suites", null, ADMIN));
    // Netty refuses these before Spring sees them, without a body (docs/api.md).
    assertEquals(
        431,
        send("GET", "/api/v1/suites", null, ADMIN, "X-Large", "x".repeat(10_000)).statusCode());
    assertEquals(414, send("GET", "/api/v1/suites/" + "x".repeat(5_000), null, ADMIN).statusCode());
    assertEquals(
        0,
        json
            .readTree(send("GET", "/api/v1/suites?size=500", null, ADMIN).body())
            .findValuesAsText("name")
            .stream()
            .filter("cannot serve"::equals)
            .count(),
        "a refused create stores nothing");
  }

  @Test
  void givenValuesOfTheWrongTypeOrOutOfRange_whenSent_thenA400NamesTheFieldOrParameter()
      throws Exception {
    String stage = "{\"id\": \"t\", \"stages\": [{\"run\": \"true\", \"timeout\": %s}]}";
    String suite = "{\"name\": \"wrong\", \"tests\": [" + stage + "]}";
    Map<String, HttpResponse<String>> answers = new LinkedHashMap<>();
    answers.put(
        "size: 'many' is not an integer", send("GET", "/api/v1/suites?size=many", null, ADMIN));
    answers.put("page: ", send("GET", "/api/v1/suites?page=2147483647", null, ADMIN));
    answers.put(
        "from: ",
        send("GET", "/api/v1/executions?from=%2B1000000000-01-01T00:00:00Z", null, ADMIN));
    answers.put(
        "tests[0].stages[0].timeout: expected an integer",
        send("POST", "/api/v1/suites", suite.formatted("\"soon\""), ADMIN));
    answers.put(
        "tests[0].stages[0].timeout: out of range",
        send("POST", "/api/v1/suites", suite.formatted("9223372036854775808"), ADMIN));
    answers.put(
        "runMode: 'fast' is not one of [mono, group, parallel, stress]",
        send(
            "POST",
            "/api/v1/configurations",
            "{\"name\": \"c\", \"runMode\": \"fast\", \"target\": {\"group\": \"g\"}}",
            ADMIN));
    answers.put(
        "overlap: 'never' is not one of [skip, buffer-one, allow]",
        send("PUT", "/api/v1/scenarios/x/schedule", "{\"overlap\": \"never\"}", ADMIN));
    answers.put(
        "schedule.at: ",
        send(
            "PUT",
            "/api/v1/scenarios/x/schedule",
            "{\"at\": \"+1000000000-01-01T00:00:00Z\"}",
            ADMIN));
    answers.put(
        "properties",
        // A null value removes a property (docs/api.md, "Machine labels"); a bad name is a 400.
        send("PATCH", "/api/v1/machines/m", "{\"properties\": {\"os name\": \"x\"}}", ADMIN));
    answers.put("request body is not valid JSON", send("POST", "/api/v1/suites", "{", ADMIN));
    answers.put("request body: expected an object", send("POST", "/api/v1/suites", "[]", ADMIN));

    for (Map.Entry<String, HttpResponse<String>> answer : answers.entrySet()) {
      assertProblem(400, answer.getValue());
      assertTrue(
          answer.getValue().body().contains(answer.getKey()),
          answer.getKey() + " in " + answer.getValue().body());
    }
  }

  private void assertProblem(int status, HttpResponse<String> response) throws Exception {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(
        "application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
    JsonNode problem = json.readTree(response.body());
    assertEquals(status, problem.path("status").asInt(), response.body());
    assertTrue(!problem.path("title").asText().isBlank(), response.body());
  }

  @Test
  void givenARetention_whenSaved_thenTheViewShowsItAndABadOneGetsAProblemNamingTheField()
      throws Exception {
    String body = scenarioWith("[]");
    HttpResponse<String> kept =
        send("POST", "/api/v1/scenarios", withRetention(body, "{\"lastExecutions\": 50}"), ADMIN);
    assertEquals(201, kept.statusCode(), kept.body());
    String id = json.readTree(kept.body()).get("id").asText();
    HttpResponse<String> days =
        send("PUT", "/api/v1/scenarios/" + id, withRetention(body, "{\"days\": 30}"), ADMIN);
    Map<String, String> cases =
        Map.of(
            "{}", "retention: give either days or lastExecutions",
            "{\"days\": 30, \"lastExecutions\": 5}",
                "retention: give either days or lastExecutions",
            "{\"days\": 0}", "retention.days: must be between 1 and 3650",
            "{\"lastExecutions\": 1000001}",
                "retention.lastExecutions: must be between 1 and 1000000");

    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> answer =
          send("POST", "/api/v1/scenarios", withRetention(body, c.getKey()), ADMIN);
      if (answer.statusCode() != 400
          || !c.getValue().equals(json.readTree(answer.body()).path("detail").asText())) {
        wrong.add(c.getKey() + " -> " + answer.statusCode() + " " + answer.body());
      }
    }
    assertEquals(List.of(), wrong);
    assertEquals("{\"lastExecutions\":50}", json.readTree(kept.body()).get("retention").toString());
    assertEquals(200, days.statusCode(), days.body());
    assertEquals(
        "{\"days\":30}",
        json.readTree(send("GET", "/api/v1/scenarios/" + id, null, ADMIN).body())
            .get("retention")
            .toString());
  }

  private static String withRetention(String scenario, String retention) {
    return scenario.substring(0, scenario.lastIndexOf('}')) + ", \"retention\": " + retention + "}";
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

  /** Operations that answer 409, stated independently of their annotations. */
  private static final Set<String> CONFLICTS =
      Set.of(
          "DELETE /api/v1/suites/{id}",
          "DELETE /api/v1/configurations/{id}",
          "DELETE /api/v1/tokens/{id}",
          "POST /api/v1/scenarios/{id}/run",
          "POST /api/v1/executions/{id}/cancel");

  @Test
  void
      givenTheApiDescription_whenFetchedWithoutAToken_thenEveryEndpointIsInItWithSecurityAndErrors()
          throws Exception {
    HttpResponse<String> response = send("GET", "/v3/api-docs", null, null);
    assertEquals(200, response.statusCode());
    JsonNode openApi = json.readTree(response.body());
    assertEquals(
        "bearer",
        openApi.get("components").get("securitySchemes").get("bearer").get("scheme").asText());
    assertTrue(openApi.get("components").get("schemas").has("ProblemDetail"));
    JsonNode paths = openApi.get("paths");

    List<String> missing = new ArrayList<>();
    for (Endpoint endpoint : endpoints()) {
      JsonNode operation = paths.path(endpoint.path()).path(endpoint.method().toLowerCase());
      if (operation.isMissingNode()) {
        missing.add(endpoint.toString());
        continue;
      }
      List<String> statuses = new ArrayList<>();
      operation.path("responses").fieldNames().forEachRemaining(statuses::add);
      if (statuses.stream().noneMatch(status -> status.startsWith("2"))) {
        missing.add(endpoint + ": no success response");
      }
      if (!operation.path("security").toString().contains("{\"bearer\":[]}")) {
        missing.add(endpoint + ": no security requirement");
      }
      for (String status : errors(endpoint)) {
        JsonNode error = operation.path("responses").path(status);
        String schema =
            error
                .path("content")
                .path("application/problem+json")
                .path("schema")
                .path("$ref")
                .asText();
        if (error.isMissingNode()) {
          missing.add(endpoint + ": no " + status);
        } else if (!schema.equals("#/components/schemas/ProblemDetail")) {
          missing.add(endpoint + ": " + status + " without a ProblemDetail body");
        }
      }
    }
    assertEquals(List.of(), missing, "missing from /v3/api-docs");
  }

  /** The error statuses an endpoint must document, from what its handler takes. */
  private static Set<String> errors(Endpoint endpoint) {
    Set<String> errors = new TreeSet<>(Set.of("401", "403"));
    boolean body = takes(endpoint, RequestBody.class);
    if (body || takes(endpoint, RequestParam.class)) {
      errors.add("400");
    }
    if (endpoint.path().contains("{")) {
      errors.add("404");
    }
    if (CONFLICTS.contains(endpoint.toString())) {
      errors.add("409");
    }
    if (Arrays.stream(endpoint.handler().getMethodParameters())
        .map(p -> p.getParameterAnnotation(RequestHeader.class))
        .anyMatch(header -> header != null && header.value().equals("If-Match"))) {
      errors.add("412");
    }
    if (body) {
      errors.add("413");
      errors.add("415");
    }
    return errors;
  }
}
