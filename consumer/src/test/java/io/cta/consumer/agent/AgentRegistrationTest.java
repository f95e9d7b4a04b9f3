package io.cta.consumer.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.bwaldvogel.mongo.MongoServer;
import io.cta.consumer.Fixtures;
import io.cta.server.machine.AllowList;
import io.cta.server.machine.LabelRemovals;
import io.cta.server.machine.Labels;
import io.cta.server.machine.MachineDocument;
import io.cta.server.machine.MachineKind;
import io.cta.server.machine.MachineStore;
import io.cta.server.machine.Selector;
import io.cta.server.machine.SshConnection;
import io.cta.server.security.Role;
import io.cta.server.security.TokenDocument;
import io.cta.server.security.TokenStore;
import io.temporal.testserver.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code POST /agent/v1/register} and heartbeats on a started consumer: label limits, dotted
 * property names, agent-token allow-lists, machine names owned by bound tokens, sticky drains, and
 * machine and token documents stored by the previous version.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class AgentRegistrationTest {

  private static final MongoServer mongo = Fixtures.mongoServer();
  private static final int temporalPort = Fixtures.freePort();
  private static final TestServer.PortBoundTestServer temporal =
      TestServer.createPortBoundServer(temporalPort);

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("spring.mongodb.uri", () -> Fixtures.mongoUri(mongo, "cta-registration"));
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
  @Autowired MachineStore machines;
  @Autowired ReactiveMongoTemplate documents;

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> post(String path, String token, Object body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/agent/v1/" + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> register(
      String token, String name, Map<String, String> properties, List<String> groups)
      throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("hostname", name);
    body.put("os", "linux");
    body.put("slots", 1);
    body.put("cpus", 2);
    body.put("memoryBytes", 1_000_000L);
    body.put("properties", properties);
    body.put("groups", groups);
    return post("register", token, body);
  }

  private HttpResponse<String> heartbeat(String token, String name) throws Exception {
    return post(
        "heartbeat", token, Map.of("name", name, "executions", List.of(), "stopping", false));
  }

  private String agentToken(String machine) {
    return tokens.create("agent", Role.agent, machine).block().secret();
  }

  private String detail(HttpResponse<String> response) throws Exception {
    return json.readTree(response.body()).path("detail").asText();
  }

  @Test
  void givenPropertyNamesWithDots_whenRegistering_thenTheyAreStoredAndMatched() throws Exception {
    String token = agentToken(null);

    HttpResponse<String> answer =
        register(
            token,
            "dots-01",
            Map.of("os.version", "22.04", "k8s.io/arch", "amd64", "cores", "8"),
            List.of("web.eu"));

    assertEquals(200, answer.statusCode(), answer.body());
    JsonNode config = json.readTree(answer.body());
    assertEquals("22.04", config.path("properties").path("os.version").asText());
    MachineDocument stored = machines.findByName("dots-01").block();
    assertEquals("22.04", stored.effective().properties().get("os.version"));
    assertEquals("amd64", stored.effective().properties().get("k8s.io/arch"));
    assertTrue(
        machines
            .matching(Selector.parse("os.version=22.*,k8s.io/arch=amd64"))
            .map(MachineDocument::name)
            .collectList()
            .block()
            .contains("dots-01"));
    assertEquals(200, heartbeat(token, "dots-01").statusCode());
  }

  @Test
  void givenLabelsOverTheLimits_whenRegistering_thenA400NamesTheLimit() throws Exception {
    String token = agentToken(null);
    Map<String, String> many = new LinkedHashMap<>();
    for (int k = 0; k < 201; k++) {
      many.put("p" + k, "v");
    }

    HttpResponse<String> tooMany = register(token, "limits-01", many, List.of());
    HttpResponse<String> longValue =
        register(token, "limits-01", Map.of("os", "x".repeat(1001)), List.of());
    HttpResponse<String> longName =
        register(token, "limits-01", Map.of("a".repeat(201), "x"), List.of());
    HttpResponse<String> badGroup = register(token, "limits-01", Map.of(), List.of("a b"));
    HttpResponse<String> tooManyGroups =
        register(
            token,
            "limits-01",
            Map.of(),
            java.util.stream.IntStream.range(0, 101).mapToObj(k -> "g" + k).toList());

    assertEquals(400, tooMany.statusCode(), tooMany.body());
    assertEquals("properties: 201 given, the limit is 200", detail(tooMany));
    assertEquals(400, longValue.statusCode());
    assertEquals("properties.os: longer than the limit of 1000 characters", detail(longValue));
    assertEquals(400, longName.statusCode());
    assertTrue(detail(longName).contains("longer than the limit of 200 characters"));
    assertEquals(400, badGroup.statusCode());
    assertTrue(detail(badGroup).startsWith("groups: 'a b' is not a group name"));
    assertEquals(400, tooManyGroups.statusCode());
    assertEquals("groups: 101 given, the limit is 100", detail(tooManyGroups));
    assertEquals(null, machines.findByName("limits-01").block());
  }

  @Test
  void givenATokenWithAllowLists_whenItsAgentDeclaresMore_thenTheRestIsRefusedAndNeverMatched()
      throws Exception {
    String token =
        tokens
            .create(
                "restricted",
                Role.agent,
                null,
                new AllowList(
                    List.of("web-*"),
                    List.of(
                        new AllowList.AllowedProperty("os", List.of("linux", "macos")),
                        new AllowList.AllowedProperty("os.version", List.of("*")))))
            .block()
            .secret();

    HttpResponse<String> answer =
        register(
            token,
            "allow-01",
            Map.of("os", "linux", "os.version", "22.04", "gpu", "nvidia"),
            List.of("web-eu", "db"));

    assertEquals(200, answer.statusCode(), answer.body());
    JsonNode config = json.readTree(answer.body());
    assertEquals(
        Map.of("os", "linux", "os.version", "22.04"),
        json.convertValue(config.path("properties"), Map.class));
    assertEquals(List.of("web-eu"), json.convertValue(config.path("groups"), List.class));
    assertFalse(config.path("queues").toString().contains("db"), config.toString());
    MachineDocument stored = machines.findByName("allow-01").block();
    assertEquals(new Labels(Map.of("gpu", "nvidia"), List.of("db")), stored.refused());
    assertEquals("nvidia", stored.declared().properties().get("gpu"), "declared is kept as is");
    assertTrue(
        machines.matching(Selector.parse("gpu=nvidia")).collectList().block().stream()
            .noneMatch(m -> m.name().equals("allow-01")),
        "a refused property does not match");
    assertTrue(
        machines.inGroup("db").collectList().block().stream()
            .noneMatch(m -> m.name().equals("allow-01")),
        "a refused group does not match");
    assertTrue(
        machines.inGroup("web-eu").collectList().block().stream()
            .anyMatch(m -> m.name().equals("allow-01")));

    // A value outside the allowed globs is refused too.
    register(token, "allow-01", Map.of("os", "windows"), List.of());
    assertEquals(
        Map.of("os", "windows"), machines.findByName("allow-01").block().refused().properties());
  }

  @Test
  void givenAnOperatorRemovedADeclaredLabel_whenTheAgentDeclaresItAgain_thenItDoesNotCount()
      throws Exception {
    String token = agentToken(null);
    register(token, "remove-01", Map.of("gpu", "nvidia", "os", "linux"), List.of("gpu", "web"));
    MachineDocument machine = machines.findByName("remove-01").block();

    machines
        .assign(
            machine.id(),
            new Labels(Map.of("os", "ubuntu"), List.of("fast")),
            new LabelRemovals(List.of("gpu"), List.of("gpu")))
        .block();
    HttpResponse<String> again =
        register(token, "remove-01", Map.of("gpu", "nvidia", "os", "linux"), List.of("gpu", "web"));

    JsonNode config = json.readTree(again.body());
    assertEquals(Map.of("os", "ubuntu"), json.convertValue(config.path("properties"), Map.class));
    assertEquals(List.of("fast", "web"), json.convertValue(config.path("groups"), List.class));
    assertTrue(
        machines.inGroup("gpu").collectList().block().stream()
            .noneMatch(m -> m.name().equals("remove-01")));
  }

  @Test
  void givenANameBoundToAnotherToken_whenAnUnboundTokenRegistersIt_thenA403SaysWhose()
      throws Exception {
    String owner = agentToken("owned-01");
    String other = agentToken(null);
    String boundElsewhere = agentToken("owned-02");

    HttpResponse<String> stolen = register(other, "owned-01", Map.of(), List.of());
    HttpResponse<String> wrongBinding = register(boundElsewhere, "owned-01", Map.of(), List.of());
    HttpResponse<String> own = register(owner, "owned-01", Map.of(), List.of());
    HttpResponse<String> stolenHeartbeat = heartbeat(other, "owned-01");
    HttpResponse<String> stolenEvents =
        post("events", other, Map.of("machine", "owned-01", "events", List.of()));
    HttpResponse<String> stolenSecrets =
        post(
            "secrets",
            other,
            Map.of(
                "executionId",
                "e1",
                "testId",
                "t1",
                "attempt",
                1,
                "names",
                List.of("s"),
                "machine",
                "owned-01"));

    assertEquals(403, stolen.statusCode(), stolen.body());
    assertEquals(
        "machine 'owned-01' belongs to the agent token bound to it: only that token may speak"
            + " for it",
        detail(stolen));
    assertEquals(403, wrongBinding.statusCode(), wrongBinding.body());
    assertEquals(200, own.statusCode(), own.body());
    assertEquals(403, stolenHeartbeat.statusCode(), stolenHeartbeat.body());
    assertEquals(403, stolenEvents.statusCode(), stolenEvents.body());
    assertEquals(403, stolenSecrets.statusCode(), stolenSecrets.body());
    assertEquals(
        200,
        post("events", owner, Map.of("machine", "owned-01", "events", List.of())).statusCode());
    assertEquals(200, heartbeat(owner, "owned-01").statusCode());
    assertEquals(200, register(other, "free-01", Map.of(), List.of()).statusCode());
  }

  @Test
  void givenAnSshMachine_whenAnAgentRegistersOrHeartbeatsAsIt_thenA403AndItStaysAnSshMachine()
      throws Exception {
    SshConnection ssh =
        SshConnection.checked(
            "10.0.0.9",
            22,
            "ci",
            "lab-key",
            "SHA256:AlW1Yx2VSjdjgD3qdIiJsHw/BykU9ogefhkLV5a+NkQ",
            null);
    machines
        .create(
            MachineDocument.ssh(
                "ssh-id", "appliance-9", "linux", ssh, Labels.EMPTY, 1, Instant.now()))
        .block();
    String token = agentToken(null);

    HttpResponse<String> registered = register(token, "appliance-9", Map.of(), List.of());
    HttpResponse<String> beat = heartbeat(token, "appliance-9");

    assertEquals(403, registered.statusCode(), registered.body());
    assertTrue(detail(registered).contains("SSH machine"), registered.body());
    assertEquals(403, beat.statusCode(), beat.body());
    MachineDocument machine = machines.findByName("appliance-9").block();
    assertEquals(MachineKind.ssh, machine.kind());
    assertEquals(ssh, machine.ssh());
    assertEquals(null, machine.lastSeenAt(), "no agent made it look alive");
  }

  @Test
  void givenAnOperatorDrainedAMachine_whenItsAgentRegistersAgain_thenItStillDrains()
      throws Exception {
    String token = agentToken(null);
    register(token, "drain-01", Map.of(), List.of());
    MachineDocument machine = machines.findByName("drain-01").block();
    machines.drain(machine.id(), true).block();

    HttpResponse<String> again = register(token, "drain-01", Map.of(), List.of());
    assertTrue(json.readTree(again.body()).path("drain").asBoolean(), again.body());
    // Its agent drained, said goodbye and came back: still draining.
    post("deregister", token, Map.of("name", "drain-01"));
    HttpResponse<String> afterGoodbye = register(token, "drain-01", Map.of(), List.of());
    assertTrue(json.readTree(afterGoodbye.body()).path("drain").asBoolean(), afterGoodbye.body());
    assertEquals("draining", status("drain-01"));

    machines.drain(machine.id(), false).block();
    HttpResponse<String> undrained = register(token, "drain-01", Map.of(), List.of());
    assertFalse(json.readTree(undrained.body()).path("drain").asBoolean(), undrained.body());

    // A drain of its own (SIGTERM) ends with the agent's next registration.
    post("heartbeat", token, Map.of("name", "drain-01", "executions", List.of(), "stopping", true));
    assertEquals("draining", status("drain-01"));
    HttpResponse<String> restarted = register(token, "drain-01", Map.of(), List.of());
    assertFalse(json.readTree(restarted.body()).path("drain").asBoolean(), restarted.body());
  }

  @Test
  void givenHeartbeatsWithRunningTests_whenStored_thenEachReplacesTheLastAndTheGoodbyeClearsThem()
      throws Exception {
    String token = agentToken(null);
    register(token, "busy-01", Map.of(), List.of());
    Map<String, Object> login =
        Map.of("executionId", "e1", "testId", "login", "attempt", 1, "startedAt", 1_000L);
    Map<String, Object> cart =
        Map.of("executionId", "e1", "testId", "cart", "attempt", 2, "startedAt", 2_000L);

    HttpResponse<String> first =
        post(
            "heartbeat",
            token,
            Map.of(
                "name",
                "busy-01",
                "executions",
                List.of("e1"),
                "stopping",
                false,
                "running",
                List.of(login, cart),
                "aFieldOfALaterAgent",
                1));
    assertEquals(200, first.statusCode(), first.body());
    assertEquals(
        List.of(
            new MachineDocument.RunningTest("e1", "login", 1, Instant.ofEpochMilli(1_000)),
            new MachineDocument.RunningTest("e1", "cart", 2, Instant.ofEpochMilli(2_000))),
        machines.findByName("busy-01").block().running());

    HttpResponse<String> second =
        post(
            "heartbeat",
            token,
            Map.of(
                "name",
                "busy-01",
                "executions",
                List.of("e1"),
                "stopping",
                false,
                "running",
                List.of(cart)));
    assertEquals(200, second.statusCode(), second.body());
    assertEquals(
        List.of(new MachineDocument.RunningTest("e1", "cart", 2, Instant.ofEpochMilli(2_000))),
        machines.findByName("busy-01").block().running(),
        "replaced, not appended");

    assertEquals(200, heartbeat(token, "busy-01").statusCode(), "an agent that reports none");
    assertEquals(List.of(), machines.findByName("busy-01").block().running());

    HttpResponse<String> third =
        post(
            "heartbeat",
            token,
            Map.of(
                "name",
                "busy-01",
                "executions",
                List.of("e1"),
                "stopping",
                false,
                "running",
                List.of(login)));
    assertEquals(200, third.statusCode(), third.body());
    assertEquals(1, machines.findByName("busy-01").block().running().size());
    post("deregister", token, Map.of("name", "busy-01"));
    assertEquals(List.of(), machines.findByName("busy-01").block().running());
  }

  private String status(String name) {
    return machines.findByName(name).block().status(Instant.now(), machines.offlineAfter());
  }

  @Test
  void givenDocumentsOfThePreviousShape_whenRead_thenTheyKeepWorking() throws Exception {
    Document declared =
        new Document("properties", new Document("os", "linux").append("cores", "8"))
            .append("groups", List.of("web"));
    Document old =
        new Document("_id", "old-machine-id")
            .append("name", "old-01")
            .append("declared", declared)
            .append(
                "assigned", new Document("properties", new Document()).append("groups", List.of()))
            .append("hostname", "old-01")
            .append("os", "linux")
            .append("cpus", 4)
            .append("memoryBytes", 8_000_000_000L)
            .append("agentVersion", "0.9")
            .append("registeredAt", new java.util.Date())
            .append("slots", 1)
            .append("lastSeenAt", new java.util.Date())
            .append("executions", List.of())
            .append("draining", false)
            .append("deregistered", false);
    documents.insert(old, "machines").block();
    documents
        .insert(
            new Document("_id", "old-token-id")
                .append("name", "old agent")
                .append("role", "agent")
                .append("hash", TokenStore.hash("cta_old-secret"))
                .append("createdAt", new java.util.Date()),
            "tokens")
        .block();

    MachineDocument machine = machines.findByName("old-01").block();
    TokenDocument token = tokens.find("old-token-id").block();

    assertEquals(Map.of("os", "linux", "cores", "8"), machine.effective().properties());
    assertEquals(List.of("web"), machine.effective().groups());
    assertFalse(machine.drainRequested());
    assertEquals(List.of(), machine.running(), "stored before running tests were reported");
    assertEquals(MachineKind.agent, machine.kind(), "stored before SSH machines");
    assertFalse(token.allowList().restricts());
    HttpResponse<String> registered =
        register("cta_old-secret", "old-01", Map.of("os.name", "Linux"), List.of("web"));
    assertEquals(200, registered.statusCode(), registered.body());
    assertEquals(
        Map.of("os.name", "Linux"), machines.findByName("old-01").block().effective().properties());
  }
}
