package io.cta.consumer.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import de.bwaldvogel.mongo.MongoServer;
import io.cta.consumer.Fixtures;
import io.cta.server.security.Role;
import io.cta.server.security.TokenStore;
import io.temporal.testserver.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/**
 * The consumer's endpoints, from its own request mappings, called by every role with other
 * spellings of their paths: a 400 problem or exactly what the canonical path answers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class AgentPathVariantsTest {

  private static final MongoServer mongo = Fixtures.mongoServer();
  private static final int temporalPort = Fixtures.freePort();
  private static final TestServer.PortBoundTestServer temporal =
      TestServer.createPortBoundServer(temporalPort);

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("spring.mongodb.uri", () -> Fixtures.mongoUri(mongo, "cta-agent-paths"));
    registry.add("cta.temporal.target", () -> "127.0.0.1:" + temporalPort);
    registry.add("cta.consumer.reconcile-interval", () -> "1d");
  }

  @AfterAll
  static void stopServers() {
    temporal.close();
    mongo.shutdownNow();
  }

  @LocalServerPort int port;
  @Autowired TokenStore tokens;

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  private int status(String method, String path, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.ofString("{}"))
            .header("Content-Type", "application/json")
            .timeout(java.time.Duration.ofSeconds(20));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    // A client, so a connection, per call: a refused request's body is never read, and a reused
    // connection then got no answer.
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void givenEveryAgentEndpointAndRole_whenSpelledOtherwise_thenA400OrTheCanonicalAnswer()
      throws Exception {
    Map<String, String> callers = new LinkedHashMap<>();
    callers.put("anonymous", null);
    callers.put("agent", tokens.create("paths agent", Role.agent, "m1").block().secret());
    callers.put("viewer", tokens.create("paths viewer", Role.viewer, null).block().secret());
    callers.put("admin", tokens.create("paths admin", Role.admin, null).block().secret());
    List<String> paths = new ArrayList<>();
    mappings
        .getHandlerMethods()
        .keySet()
        .forEach(
            info ->
                info.getPatternsCondition()
                    .getPatterns()
                    .forEach(pattern -> paths.add(pattern.getPatternString())));
    List<String> wrong = new ArrayList<>();
    for (String path : paths) {
      String last = path.substring(path.lastIndexOf('/') + 1);
      String head = path.substring(0, path.lastIndexOf('/'));
      List<String> variants =
          List.of(
              path + ";x",
              "/agent;x" + path.substring("/agent".length()),
              "/%61" + path.substring(2),
              "/" + path,
              head + "/./" + last,
              head + "/x/../" + last,
              path + "/",
              path.toUpperCase(java.util.Locale.ROOT));
      for (Map.Entry<String, String> caller : callers.entrySet()) {
        int canonical = status("POST", path, caller.getValue());
        for (String variant : variants) {
          int answered = status("POST", variant, caller.getValue());
          if (answered != 400 && answered != canonical) {
            wrong.add(
                variant + " as " + caller.getKey() + ": " + answered + ", canonical " + canonical);
          }
        }
      }
    }
    assertEquals(List.of(), wrong, "paths " + paths);
  }
}
