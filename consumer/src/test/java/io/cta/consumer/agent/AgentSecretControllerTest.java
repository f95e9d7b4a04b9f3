package io.cta.consumer.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.bwaldvogel.mongo.MongoServer;
import io.cta.activities.ExecutionState;
import io.cta.activities.events.RegisterRequest;
import io.cta.consumer.Fixtures;
import io.cta.server.definition.StageDefinition;
import io.cta.server.definition.SuiteDocument;
import io.cta.server.definition.TestDefinition;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.machine.MachineStore;
import io.cta.server.secret.SecretStore;
import io.cta.server.security.Role;
import io.cta.server.security.TokenStore;
import io.temporal.testserver.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code POST /agent/v1/secrets} on a started consumer: a value reaches only a machine that takes
 * part in a running execution, for names its test references, and each use is audited without the
 * value.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class AgentSecretControllerTest {

  private static final MongoServer mongo = Fixtures.mongoServer();
  private static final int temporalPort = Fixtures.freePort();
  private static final TestServer.PortBoundTestServer temporal =
      TestServer.createPortBoundServer(temporalPort);
  private static final String VALUE = "canary-db-Pa55word";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("spring.mongodb.uri", () -> Fixtures.mongoUri(mongo, "cta-secrets"));
    registry.add("cta.temporal.target", () -> "127.0.0.1:" + temporalPort);
    registry.add("cta.consumer.reconcile-interval", () -> "1d");
    registry.add("cta.consumer.reconcile-grace", () -> "1d");
    registry.add("cta.secrets.key", () -> Base64.getEncoder().encodeToString(new byte[32]));
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
  @Autowired SecretStore secrets;
  @Autowired ReactiveMongoTemplate documents;

  private final ObjectMapper json = new ObjectMapper();
  private String agent;
  private String executionId;

  @BeforeEach
  void setUp() {
    documents.dropCollection("secrets").block();
    documents.dropCollection("audit").block();
    register(Fixtures.MACHINE);
    register("lab-02");
    agent = tokens.create("agent", Role.agent, Fixtures.MACHINE).block().secret();
    executionId = run(ExecutionState.running).id();
    secrets.create("db-pass", VALUE, Instant.now()).block();
    secrets.create("api-key", "k-123", Instant.now()).block();
  }

  private void register(String name) {
    machines
        .register(
            new RegisterRequest(
                name, name, "127.0.0.1", "linux", "amd64", 2, 1L, "1", Map.of(), List.of(), 1),
            Instant.now())
        .block();
  }

  private io.cta.server.execution.ExecutionDocument run(ExecutionState state) {
    Instant now = Instant.now();
    SuiteDocument suite =
        new SuiteDocument(
            "s1",
            "suite",
            null,
            List.of(
                test("t1", Map.of("PASS", "${secret:db-pass}", "URL", "u:${secret:api-key}@h")),
                test("t2", Map.of("PLAIN", "x")),
                test("t3", Map.of("GONE", "${secret:gone}"))),
            now,
            now);
    return Fixtures.insert(executions, Fixtures.execution(state, now, 600_000), suite);
  }

  private static TestDefinition test(String id, Map<String, String> env) {
    return new TestDefinition(
        id,
        id,
        null,
        "commandLine",
        List.of(),
        List.of(new StageDefinition("run", "true", null, null, env, true, 60_000L)));
  }

  private HttpResponse<String> fetch(String token, String execution, String test, String... names)
      throws Exception {
    String body =
        json.writeValueAsString(
            Map.of(
                "executionId", execution, "testId", test, "attempt", 2, "names", List.of(names)));
    // One client per call: reused connections to WebFlux sometimes got no answer in tests.
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/agent/v1/secrets"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private List<Document> audit() {
    return documents.find(new Query(), Document.class, "audit").collectList().block();
  }

  @Test
  void givenATestReferencingSecrets_whenItsMachineFetchesThem_thenValuesComeAndEachUseIsAudited()
      throws Exception {
    HttpResponse<String> answer = fetch(agent, executionId, "t1", "db-pass", "api-key");

    assertEquals(200, answer.statusCode(), answer.body());
    JsonNode values = json.readTree(answer.body()).get("values");
    assertEquals(VALUE, values.get("db-pass").asText());
    assertEquals("k-123", values.get("api-key").asText());
    assertEquals(0, json.readTree(answer.body()).get("missing").size());
    List<Document> entries = audit();
    assertEquals(2, entries.size());
    for (Document entry : entries) {
      assertEquals("USE", entry.getString("method"));
      assertEquals("secrets", entry.getString("resource"));
      assertEquals(Fixtures.MACHINE, entry.getString("by"));
      assertEquals(executionId, entry.getString("executionId"));
      assertEquals("t1", entry.getString("testId"));
      assertEquals(2, entry.getInteger("attempt"));
      assertFalse(entry.toJson().contains(VALUE), entry.toJson());
      assertFalse(entry.toJson().contains("k-123"), entry.toJson());
    }
    assertEquals(
        List.of("api-key", "db-pass"),
        entries.stream().map(e -> e.getString("resourceId")).sorted().toList());
  }

  @Test
  void givenAReferencedSecretThatWasDeleted_whenFetched_thenItIsMissingAndNotAudited()
      throws Exception {
    HttpResponse<String> answer = fetch(agent, executionId, "t3", "gone");

    assertEquals(200, answer.statusCode(), answer.body());
    JsonNode body = json.readTree(answer.body());
    assertEquals(0, body.get("values").size());
    assertEquals("gone", body.get("missing").get(0).asText());
    assertTrue(audit().isEmpty());
  }

  @Test
  void givenANameTheTestDoesNotReference_whenFetched_thenForbiddenAndNothingServed()
      throws Exception {
    HttpResponse<String> answer = fetch(agent, executionId, "t2", "db-pass");

    assertEquals(403, answer.statusCode(), answer.body());
    assertTrue(answer.body().contains("does not reference the secret 'db-pass'"), answer.body());
    assertFalse(answer.body().contains(VALUE));
    assertTrue(audit().isEmpty());
  }

  @Test
  void givenAMachineWithoutWorkInTheExecution_whenItFetches_thenForbidden() throws Exception {
    String other = tokens.create("other", Role.agent, "lab-02").block().secret();

    HttpResponse<String> answer = fetch(other, executionId, "t1", "db-pass");

    assertEquals(403, answer.statusCode(), answer.body());
    assertTrue(answer.body().contains("was given no work of it"), answer.body());
    assertTrue(audit().isEmpty());
  }

  @Test
  void givenAnEndedExecution_whenItsMachineFetches_thenForbidden() throws Exception {
    String ended = run(ExecutionState.finished).id();

    HttpResponse<String> answer = fetch(agent, ended, "t1", "db-pass");

    assertEquals(403, answer.statusCode(), answer.body());
    assertTrue(answer.body().contains("has ended"), answer.body());
  }

  @Test
  void givenAnUnknownExecutionOrTest_whenFetched_thenNotFound() throws Exception {
    assertEquals(404, fetch(agent, "nope", "t1", "db-pass").statusCode());
    assertEquals(404, fetch(agent, executionId, "t9", "db-pass").statusCode());
  }

  @Test
  void givenAStoredSecret_whenReadRawFromMongo_thenTheValueIsNotThere() {
    Document raw =
        documents
            .findOne(Query.query(Criteria.where("_id").is("db-pass")), Document.class, "secrets")
            .block();

    assertTrue(raw.containsKey("ciphertext"));
    assertFalse(raw.toJson().contains(VALUE));
    assertFalse(raw.toJson().contains(Base64.getEncoder().encodeToString(VALUE.getBytes())));
  }
}
