package io.cta.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How the agent's client reads the consumer's refusals: by status code, never by message text. */
class ConsumerClientTest {

  private HttpServer server;
  private ConsumerClient client;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    answer("/agent/v1/heartbeat", 404, "{\"status\":404,\"detail\":\"unknown machine 'lab-01'\"}");
    // A refusal of another kind whose text happens to hold " 404": no reason to register again.
    answer("/agent/v1/events", 400, "{\"status\":400,\"detail\":\"event 404 has no type\"}");
    server.start();
    client = new ConsumerClient("http://127.0.0.1:" + server.getAddress().getPort(), "secret");
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void givenAConsumerThatDoesNotKnowTheMachine_whenItHeartbeats_thenTheRefusalIsNotFound() {
    ConsumerClient.ConsumerException refused =
        assertThrows(
            ConsumerClient.ConsumerException.class,
            () -> client.post("agent/v1/heartbeat", Map.of("name", "lab-01"), Map.class));

    assertEquals(404, refused.status());
    assertTrue(refused.isNotFound());
    assertTrue(refused.isBatchFault());
    assertEquals("unknown machine 'lab-01'", refused.detail());
  }

  @Test
  void givenARefusalWhoseTextMentions404_whenItIsRead_thenOnlyItsStatusCounts() {
    ConsumerClient.ConsumerException refused =
        assertThrows(
            ConsumerClient.ConsumerException.class,
            () -> client.post("agent/v1/events", Map.of(), Map.class));

    assertEquals(400, refused.status());
    assertFalse(refused.isNotFound());
    assertTrue(refused.getMessage().contains(" 404"), refused.getMessage());
  }

  private void answer(String path, int status, String problem) {
    server.createContext(
        path,
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          byte[] body = problem.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
  }
}
