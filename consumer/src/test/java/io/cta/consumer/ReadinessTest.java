package io.cta.consumer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.bwaldvogel.mongo.MongoServer;
import io.temporal.testserver.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The readiness probe of application.properties (the api declares the same group) with the real
 * MongoDB and Temporal checks: each dependency is stopped, then started again on the same port.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    // Only here, to see which check failed; production answers the status alone.
    properties = "management.endpoint.health.show-components=always")
@DirtiesContext
class ReadinessTest {

  private static final int mongoPort = Fixtures.freePort();
  private static final int temporalPort = Fixtures.freePort();
  private static MongoServer mongo = Fixtures.mongoServer(mongoPort);
  private static TestServer.PortBoundTestServer temporal =
      TestServer.createPortBoundServer(temporalPort);

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("spring.mongodb.uri", () -> Fixtures.mongoUri(mongo, "cta-readiness"));
    registry.add("cta.temporal.target", () -> "127.0.0.1:" + temporalPort);
  }

  @AfterAll
  static void stopServers() {
    temporal.close();
    mongo.shutdownNow();
  }

  @LocalServerPort int port;

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void givenMongoAndTemporalUp_whenProbed_thenReady() throws Exception {
    assertReadiness(200, "UP", "UP");
  }

  @Test
  void givenMongoDown_whenProbed_thenNotReadyUntilItIsBack() throws Exception {
    mongo.shutdownNow();
    try {
      assertReadiness(503, "DOWN", "UP");
    } finally {
      mongo = Fixtures.mongoServer(mongoPort);
    }
    awaitReadiness(200, "UP", "UP");
  }

  @Test
  void givenTemporalDown_whenProbed_thenNotReadyUntilItIsBack() throws Exception {
    temporal.close();
    try {
      assertReadiness(503, "UP", "DOWN");
    } finally {
      temporal = TestServer.createPortBoundServer(temporalPort);
    }
    awaitReadiness(200, "UP", "UP");
  }

  private void awaitReadiness(int status, String mongo, String temporal) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertReadiness(status, mongo, temporal));
  }

  private void assertReadiness(int status, String mongo, String temporal) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    JsonNode health = json.readTree(response.body());
    JsonNode components = health.path("components");
    assertEquals(
        Map.of("status", status, "mongo", mongo, "temporal", temporal),
        Map.of(
            "status",
            response.statusCode(),
            "mongo",
            components.path("mongo").path("status").asText(),
            "temporal",
            components.path("temporal").path("status").asText()),
        response.body());
  }
}
