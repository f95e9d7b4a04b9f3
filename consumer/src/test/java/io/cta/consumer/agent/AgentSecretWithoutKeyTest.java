package io.cta.consumer.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.MongoServer;
import io.cta.activities.ExecutionState;
import io.cta.activities.events.RegisterRequest;
import io.cta.consumer.Fixtures;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.machine.MachineStore;
import io.cta.server.security.Role;
import io.cta.server.security.TokenStore;
import io.temporal.testserver.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A consumer without a secret key starts, and answers an agent's fetch with 503 saying so. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class AgentSecretWithoutKeyTest {

  private static final MongoServer mongo = Fixtures.mongoServer();
  private static final int temporalPort = Fixtures.freePort();
  private static final TestServer.PortBoundTestServer temporal =
      TestServer.createPortBoundServer(temporalPort);

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("spring.mongodb.uri", () -> Fixtures.mongoUri(mongo, "cta-no-key"));
    registry.add("cta.temporal.target", () -> "127.0.0.1:" + temporalPort);
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
  @Autowired MachineStore machines;

  @Test
  void givenNoSecretKey_whenAnAgentFetchesASecret_then503NamesTheSetting() throws Exception {
    machines
        .register(
            new RegisterRequest(
                Fixtures.MACHINE,
                "h",
                "127.0.0.1",
                "linux",
                "amd64",
                2,
                1L,
                "1",
                Map.of(),
                List.of(),
                1),
            Instant.now())
        .block();
    String agent = tokens.create("agent", Role.agent, Fixtures.MACHINE).block().secret();
    String id =
        Fixtures.insert(
                executions, Fixtures.execution(ExecutionState.running, Instant.now(), 60_000))
            .id();

    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/agent/v1/secrets"))
                    .header("Authorization", "Bearer " + agent)
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"executionId\": \""
                                + id
                                + "\", \"testId\": \"t1\", \"attempt\": 1, \"names\": []}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertEquals(503, answer.statusCode(), answer.body());
    assertTrue(answer.body().contains("no secret key configured"), answer.body());
  }
}
