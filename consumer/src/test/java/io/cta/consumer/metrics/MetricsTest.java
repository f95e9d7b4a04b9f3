package io.cta.consumer.metrics;

import static io.cta.consumer.Fixtures.metric;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.MongoServer;
import io.cta.activities.ExecutionState;
import io.cta.consumer.Fixtures;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.security.Role;
import io.cta.server.security.TokenStore;
import io.temporal.testserver.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The consumer started on an embedded MongoDB and a Temporal test server, scraped over HTTP like
 * Prometheus would: CTA's meters after known actions, and the Temporal SDK's own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class MetricsTest {

  private static final MongoServer mongo = Fixtures.mongoServer();
  private static final int temporalPort = Fixtures.freePort();
  private static final TestServer.PortBoundTestServer temporal =
      TestServer.createPortBoundServer(temporalPort);

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("spring.mongodb.uri", () -> Fixtures.mongoUri(mongo, "cta-metrics"));
    registry.add("cta.temporal.target", () -> "127.0.0.1:" + temporalPort);
    // The reconciler would start workflows for this test's old pending executions.
    registry.add("cta.consumer.reconcile-interval", () -> "1d");
    registry.add("cta.consumer.reconcile-grace", () -> "1d");
  }

  @AfterAll
  static void stopServers() {
    temporal.close();
    mongo.shutdownNow();
  }

  @LocalServerPort int port;
  @Autowired TokenStore tokens;
  @Autowired ExecutionStore executions;
  @Autowired ExecutionGauges gauges;

  private String viewer;
  private String agent;

  @BeforeEach
  void tokens() {
    viewer = tokens.create("scraper", Role.viewer, null).block().secret();
    agent = tokens.create("agent", Role.agent, Fixtures.MACHINE).block().secret();
  }

  @Test
  void givenAnAgentsEvents_whenIngested_thenResultsAreCountedByStatusAndTheStartIsTimedOnce()
      throws Exception {
    Instant requested = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
    ExecutionDocument execution =
        Fixtures.insert(executions, Fixtures.execution(ExecutionState.pending, requested, 600_000));
    String id = execution.id();
    long started = requested.toEpochMilli() + 1_234;
    HttpResponse<String> registered =
        post(
            "/agent/v1/register",
            """
            {"name": "%s", "hostname": "h", "ip": "127.0.0.1", "os": "linux", "arch": "x64",
             "cpus": 1, "memoryBytes": 1, "agentVersion": "test", "properties": {}, "groups": [],
             "slots": 1}"""
                .formatted(Fixtures.MACHINE));
    assertEquals(200, registered.statusCode(), registered.body());
    String before = scrape();

    HttpResponse<String> ingested =
        post(
            "/agent/v1/events",
            batch(
                state("s1", id, started),
                result("r1", id, "a", "ok", started),
                result("r2", id, "b", "ok", started),
                result("r3", id, "c", "failed", started)));
    // A later start report of the same execution (e.g. an agent restarted) is not a second start.
    HttpResponse<String> again = post("/agent/v1/events", batch(state("s2", id, started + 5_000)));

    assertEquals(200, ingested.statusCode(), ingested.body());
    assertEquals(200, again.statusCode(), again.body());
    assertEquals(ExecutionState.running, executions.findById(id).block().state());
    String after = scrape();
    assertEquals(2, delta(before, after, "cta_results_ingested_total", "status", "ok"));
    assertEquals(1, delta(before, after, "cta_results_ingested_total", "status", "failed"));
    assertEquals(0, delta(before, after, "cta_results_ingested_total", "status", "partial"));
    assertEquals(1, delta(before, after, "cta_dispatch_latency_seconds_count"));
    assertEquals(1.234, delta(before, after, "cta_dispatch_latency_seconds_sum"), 1e-9);
    assertEquals(1, delta(before, after, "cta_dispatch_latency_seconds_bucket", "le", "5.0"));
    assertEquals(0, delta(before, after, "cta_dispatch_latency_seconds_bucket", "le", "1.0"));
  }

  @Test
  void givenExecutionsInSeveralStates_whenCounted_thenTheGaugesShowThemAndTheOldestPendingAge()
      throws Exception {
    // Only this test's counts publish: no background count can land between them.
    gauges.stop();
    try {
      gauges.refresh().block();
      String before = scrape();
      Instant now = Instant.now();
      insert(ExecutionState.pending, now.minus(Duration.ofMinutes(10)));
      insert(ExecutionState.pending, now.minus(Duration.ofMinutes(1)));
      insert(ExecutionState.running, now.minus(Duration.ofHours(2)));
      insert(ExecutionState.finished, now.minus(Duration.ofHours(3)));

      String stale = scrape();
      gauges.refresh().block();
      String after = scrape();

      assertEquals(0, delta(before, stale, "cta_executions", "state", "pending"), "no scan");
      assertEquals(2, delta(before, after, "cta_executions", "state", "pending"));
      assertEquals(1, delta(before, after, "cta_executions", "state", "running"));
      assertEquals(1, delta(before, after, "cta_executions", "state", "finished"));
      assertEquals(0, delta(before, after, "cta_executions", "state", "timeout"));
      double age = metric(after, "cta_executions_oldest_pending_age_seconds");
      assertTrue(age >= 600 && age < 660, "oldest pending age " + age);
    } finally {
      gauges.start();
    }
  }

  @Test
  void givenTheConsumer_whenScraped_thenItsCountersStartAtZeroAndTemporalMetricsAreThere()
      throws Exception {
    String scrape = scrape();
    for (String channel : ConsumerMetrics.NOTIFICATION_CHANNELS) {
      assertEquals(0, metric(scrape, "cta_notification_failures_total", "channel", channel));
    }
    assertEquals(0, metric(scrape, "cta_retention_deleted_total"));
    // The SDK flushes its meters every 10 s; its workers poll from the start.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              String now = scrape();
              assertTrue(metric(now, "temporal_worker_start_total") >= 1);
              assertTrue(metric(now, "temporal_request_total") >= 1);
            });
  }

  @Test
  void givenEachRole_whenScraping_thenUserRolesMayAndAgentsAndAnonymousMayNot() throws Exception {
    assertEquals(401, get("/actuator/prometheus", null).statusCode());
    assertEquals(403, get("/actuator/prometheus", agent).statusCode());
    assertEquals(200, get("/actuator/prometheus", viewer).statusCode());
    assertEquals(403, get("/actuator/info", viewer).statusCode());
    assertEquals(200, get("/actuator/health", null).statusCode());
  }

  private void insert(ExecutionState state, Instant requestedAt) {
    Fixtures.insert(executions, Fixtures.execution(state, requestedAt, 600_000));
  }

  private static double delta(String before, String after, String name, String... labels) {
    return metric(after, name, labels) - metric(before, name, labels);
  }

  private static String batch(String... events) {
    return """
        {"machine": "%s", "events": [%s]}"""
        .formatted(Fixtures.MACHINE, String.join(",", events));
  }

  private static String state(String key, String executionId, long at) {
    return """
        {"key": "%s", "type": "state", "executionId": "%s", "attempt": 0, "at": %d,
         "state": "running"}"""
        .formatted(key, executionId, at);
  }

  private static String result(
      String key, String executionId, String name, String status, long at) {
    return """
        {"key": "%s", "type": "result", "executionId": "%s", "testId": "t1", "caseName": "%s",
         "attempt": 1, "at": %d, "status": "%s", "startedAt": %d, "finishedAt": %d}"""
        .formatted(key, executionId, name, at, status, at, at);
  }

  private String scrape() throws Exception {
    HttpResponse<String> response = get("/actuator/prometheus", viewer);
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).GET(), token);
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)),
        agent);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request, String token)
      throws Exception {
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient()
        .send(
            request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
