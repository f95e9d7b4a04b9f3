package io.cta.consumer.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.bwaldvogel.mongo.MongoServer;
import io.cta.consumer.Fixtures;
import io.cta.server.audit.AuditStore;
import io.cta.server.machine.Labels;
import io.cta.server.machine.MachineDocument;
import io.cta.server.machine.MachineStore;
import io.cta.server.machine.SshConnection;
import io.cta.server.secret.SecretStore;
import io.cta.server.security.Role;
import io.cta.server.security.TokenStore;
import io.temporal.testserver.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
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
 * The SSH runner's side of the consumer (docs/agentless.md): only a runner token lists SSH machines
 * with their credentials (each use audited), reports probes (online, offline with the reason, the
 * first key pinned on trust on first use), and speaks for SSH machines and nothing else.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class SshRunnerControllerTest {

  private static final MongoServer mongo = Fixtures.mongoServer();
  private static final int temporalPort = Fixtures.freePort();
  private static final TestServer.PortBoundTestServer temporal =
      TestServer.createPortBoundServer(temporalPort);
  private static final String PIN = "SHA256:AlW1Yx2VSjdjgD3qdIiJsHw/BykU9ogefhkLV5a+NkQ";
  private static final String OTHER = "SHA256:" + "B".repeat(43);

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("spring.mongodb.uri", () -> Fixtures.mongoUri(mongo, "cta-ssh-runner"));
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
  @Autowired MachineStore machines;
  @Autowired SecretStore secrets;
  @Autowired ReactiveMongoTemplate documents;

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(String method, String path, String token, Object body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/agent/v1/" + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json");
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private void declare(String name, String pin, boolean tofu) {
    SshConnection ssh = SshConnection.checked("10.0.0.5", 22, "ci", "lab-key", pin, tofu);
    machines
        .create(
            MachineDocument.ssh(
                name + "-id",
                name,
                "linux",
                ssh,
                new Labels(Map.of(), List.of("appliances")),
                2,
                Instant.now()))
        .block();
  }

  @Test
  void givenSshMachines_whenTheRunnerListsAndProbesThem_thenOnlyItGetsCredentialsAndTheyGoOnline()
      throws Exception {
    secrets.create("lab-key", "pw-Zq9-canary", Instant.now()).block();
    declare("appl-1", PIN, false);
    declare("appl-2", null, true);
    String runner = tokens.create("ssh runner", Role.runner, null).block().secret();
    String agent = tokens.create("agent", Role.agent, null).block().secret();

    HttpResponse<String> listed = send("GET", "ssh/machines", runner, null);
    HttpResponse<String> byAgent = send("GET", "ssh/machines", agent, null);

    assertEquals(200, listed.statusCode(), listed.body());
    JsonNode first = json.readTree(listed.body()).get(0);
    assertEquals("appl-1", first.path("name").asText());
    assertEquals("pw-Zq9-canary", first.path("credential").asText());
    assertEquals(PIN, first.path("hostKeyFingerprint").asText());
    assertEquals(403, byAgent.statusCode());
    assertFalse(byAgent.body().contains("pw-Zq9-canary"));
    long audited =
        documents
            .count(
                org.springframework.data.mongodb.core.query.Query.query(
                    org.springframework.data.mongodb.core.query.Criteria.where("resourceId")
                        .is("lab-key")
                        .and("method")
                        .is("USE")
                        .and("by")
                        .in("appl-1", "appl-2")),
                AuditStore.COLLECTION)
            .block();
    assertEquals(2, audited, "one use per machine served");

    assertEquals(
        200,
        send("POST", "ssh/probe", runner, Map.of("name", "appl-1", "presentedKey", PIN))
            .statusCode());
    assertEquals(
        200,
        send("POST", "ssh/probe", runner, Map.of("name", "appl-2", "presentedKey", OTHER))
            .statusCode());
    Duration after = machines.offlineAfter();
    assertEquals("online", machines.findByName("appl-1").block().status(Instant.now(), after));
    assertEquals(
        OTHER, machines.findByName("appl-2").block().ssh().hostKey(), "pinned at first use");

    assertEquals(
        200,
        send("POST", "ssh/probe", runner, Map.of("name", "appl-1", "reason", "host key changed"))
            .statusCode());
    MachineDocument changed = machines.findByName("appl-1").block();
    assertEquals("offline", changed.status(Instant.now(), after));
    assertEquals("SSH: host key changed", changed.offlineReason(Instant.now(), after));
  }

  @Test
  void givenTheRunner_whenItSpeaksForMachines_thenOnlySshOnesAndTheirDeclarationStays()
      throws Exception {
    declare("appl-9", PIN, false);
    machines
        .register(
            new io.cta.activities.events.RegisterRequest(
                "agent-9",
                "h",
                "127.0.0.1",
                "linux",
                "amd64",
                2,
                1L << 30,
                "test",
                Map.of(),
                List.of(),
                1),
            Instant.now())
        .block();
    String runner = tokens.create("ssh runner 2", Role.runner, null).block().secret();
    Map<String, Object> registration =
        Map.of(
            "name",
            "appl-9",
            "hostname",
            "x",
            "os",
            "windows",
            "slots",
            9,
            "cpus",
            1,
            "memoryBytes",
            1L);

    HttpResponse<String> registered = send("POST", "register", runner, registration);
    HttpResponse<String> beat =
        send(
            "POST",
            "heartbeat",
            runner,
            Map.of("name", "appl-9", "executions", List.of(), "stopping", false));
    HttpResponse<String> notSsh =
        send(
            "POST",
            "heartbeat",
            runner,
            Map.of("name", "agent-9", "executions", List.of(), "stopping", false));
    HttpResponse<String> badProbe =
        send("POST", "ssh/probe", runner, Map.of("name", "appl-9", "presentedKey", "nope"));

    assertEquals(200, registered.statusCode(), registered.body());
    JsonNode config = json.readTree(registered.body());
    assertTrue(config.path("queues").toString().contains("cta-machine-appl-9"), registered.body());
    assertTrue(config.path("queues").toString().contains("appliances"), registered.body());
    assertEquals(200, beat.statusCode(), beat.body());
    assertEquals(403, notSsh.statusCode(), notSsh.body());
    assertEquals(400, badProbe.statusCode(), badProbe.body());
    MachineDocument machine = machines.findByName("appl-9").block();
    assertEquals("linux", machine.os(), "the declaration is the operator's");
    assertEquals(2, machine.slots());
    assertNull(machine.unreachable());
    Document stored =
        documents
            .findOne(
                org.springframework.data.mongodb.core.query.Query.query(
                    org.springframework.data.mongodb.core.query.Criteria.where("name")
                        .is("appl-9")),
                Document.class,
                "machines")
            .block();
    assertEquals("ssh", stored.getString("kind"));
  }
}
