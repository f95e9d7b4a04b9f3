package io.cta.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cta.activities.events.RegisterRequest;
import io.cta.server.machine.MachineStore;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * SSH machines through the API (docs/agentless.md): declared, shown, edited and deleted; what is
 * refused and why; the credential stays a secret's name.
 */
class SshMachinesApiTest extends ApiHttpTest {

  static final String HOST_KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID5hDT92tWL9BAQE0eaiFXKbf9xQBbkQy0DYKnjzLtEw";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers(registry, "cta-ssh-machines");
  }

  @Autowired MachineStore machines;
  @Autowired ReactiveMongoTemplate mongo;

  private final ObjectMapper json = new ObjectMapper();

  private String detail(HttpResponse<String> response) throws Exception {
    return json.readTree(response.body()).path("detail").asText();
  }

  private void secret(String name) throws Exception {
    HttpResponse<String> stored =
        send(
            "POST",
            "/api/v1/secrets",
            "{\"name\":\"" + name + "\",\"value\":\"secret-canary-pw\"}",
            ADMIN);
    assertEquals(201, stored.statusCode(), stored.body());
  }

  static String machine(String name, String ssh) {
    return """
        {"name":"%s","kind":"ssh","ssh":%s,"properties":{"os.version":"12"},
         "groups":["appliances"],"slots":2}"""
        .formatted(name, ssh);
  }

  static String ssh(String credential, String hostKey) {
    return """
        {"host":"10.0.0.5","port":2222,"user":"ci","credential":"%s","hostKey":%s}"""
        .formatted(credential, hostKey == null ? "null" : "\"" + hostKey + "\"");
  }

  @Test
  void givenASecret_whenAnSshMachineIsDeclared_thenItShowsItsKindAndIsOfflineUntilProbed()
      throws Exception {
    secret("appliance-key");

    HttpResponse<String> created =
        send(
            "POST",
            "/api/v1/machines",
            machine("appliance-1", ssh("appliance-key", HOST_KEY)),
            ADMIN);

    assertEquals(201, created.statusCode(), created.body());
    assertTrue(
        created.headers().firstValue("Location").orElse("").endsWith("/machines/appliance-1"));
    JsonNode view = json.readTree(send("GET", "/api/v1/machines/appliance-1", null, ADMIN).body());
    assertEquals("ssh", view.path("kind").asText());
    assertEquals("offline", view.path("status").asText());
    assertEquals("no SSH runner has reached it yet", view.path("offlineReason").asText());
    assertEquals(2, view.path("slots").asInt());
    assertEquals("linux", view.path("os").asText());
    assertEquals(List.of("appliances"), json.convertValue(view.path("groups"), List.class));
    assertEquals("appliance-key", view.path("ssh").path("credential").asText());
    assertEquals(
        "SHA256:AlW1Yx2VSjdjgD3qdIiJsHw/BykU9ogefhkLV5a+NkQ",
        view.path("ssh").path("hostKeyFingerprint").asText());
    Document stored =
        mongo
            .findOne(
                Query.query(Criteria.where("name").is("appliance-1")), Document.class, "machines")
            .block();
    assertFalse(stored.toJson().contains("secret-canary-pw"), "only the secret's name is stored");

    HttpResponse<String> again =
        send(
            "POST",
            "/api/v1/machines",
            machine("appliance-1", ssh("appliance-key", HOST_KEY)),
            ADMIN);
    assertEquals(409, again.statusCode(), again.body());

    HttpResponse<String> deleteSecret =
        send("DELETE", "/api/v1/secrets/appliance-key", null, ADMIN);
    assertEquals(409, deleteSecret.statusCode(), deleteSecret.body());
    assertTrue(detail(deleteSecret).contains("SSH machine 'appliance-1'"), deleteSecret.body());

    HttpResponse<String> listed = send("GET", "/api/v1/machines?group=appliances", null, ADMIN);
    assertTrue(listed.body().contains("appliance-1"), listed.body());
  }

  @Test
  void givenBadDeclarations_whenPosted_thenA400NamesTheFieldAndNothingIsStored() throws Exception {
    secret("bad-key");
    Map<String, String> refusals =
        Map.of(
            "os",
            """
            {"name":"w1","kind":"ssh","os":"windows","ssh":%s}"""
                .formatted(ssh("bad-key", HOST_KEY)),
            "properties.os",
            """
            {"name":"w2","kind":"ssh","properties":{"os":"Windows"},"ssh":%s}"""
                .formatted(ssh("bad-key", HOST_KEY)),
            "kind",
            """
            {"name":"a1","kind":"agent","ssh":%s}"""
                .formatted(ssh("bad-key", HOST_KEY)),
            "ssh.hostKey",
            machine("h1", ssh("bad-key", null)),
            "ssh.credential",
            machine("c1", ssh("no-such-secret", HOST_KEY)),
            "ssh",
            "{\"name\":\"s1\",\"kind\":\"ssh\"}",
            "slots",
            """
            {"name":"n1","kind":"ssh","slots":0,"ssh":%s}"""
                .formatted(ssh("bad-key", HOST_KEY)));
    for (Map.Entry<String, String> refusal : refusals.entrySet()) {
      HttpResponse<String> response = send("POST", "/api/v1/machines", refusal.getValue(), ADMIN);
      assertEquals(400, response.statusCode(), refusal.getKey() + ": " + response.body());
      assertTrue(
          detail(response).startsWith(refusal.getKey() + ":"),
          refusal.getKey() + ": " + response.body());
    }
    assertTrue(
        detail(send("POST", "/api/v1/machines", refusals.get("os"), ADMIN)).contains("POSIX"));
    assertEquals(
        0L,
        mongo.count(Query.query(Criteria.where("kind").is("ssh")), "machines").block().longValue(),
        "none stored");
  }

  @Test
  void givenTrustOnFirstUse_whenAskedExplicitly_thenTheMachineWaitsForItsFirstKey()
      throws Exception {
    secret("tofu-key");
    String body =
        """
        {"name":"tofu-1","kind":"ssh","ssh":{"host":"lab-7.example","user":"ci",
         "credential":"tofu-key","hostKey":null,"trustOnFirstUse":true}}""";

    HttpResponse<String> created = send("POST", "/api/v1/machines", body, ADMIN);

    assertEquals(201, created.statusCode(), created.body());
    JsonNode ssh = json.readTree(created.body()).path("ssh");
    assertTrue(ssh.path("trustOnFirstUse").asBoolean());
    assertTrue(ssh.path("hostKeyFingerprint").isNull());
    assertEquals(22, ssh.path("port").asInt());
  }

  @Test
  void givenAnSshMachine_whenPatchedAndDeleted_thenItsConnectionChangesAndItIsGone()
      throws Exception {
    secret("patch-key");
    secret("patch-key-2");
    assertEquals(
        201,
        send("POST", "/api/v1/machines", machine("patch-1", ssh("patch-key", HOST_KEY)), ADMIN)
            .statusCode());

    HttpResponse<String> patched =
        send(
            "PATCH",
            "/api/v1/machines/patch-1",
            "{\"ssh\":" + ssh("patch-key-2", HOST_KEY) + ",\"slots\":4,\"groups\":[\"lab\"]}",
            ADMIN);

    assertEquals(200, patched.statusCode(), patched.body());
    JsonNode view = json.readTree(patched.body());
    assertEquals("patch-key-2", view.path("ssh").path("credential").asText());
    assertEquals(4, view.path("slots").asInt());
    assertEquals(List.of("lab"), json.convertValue(view.path("groups"), List.class));
    HttpResponse<String> windows =
        send("PATCH", "/api/v1/machines/patch-1", "{\"properties\":{\"os\":\"windows\"}}", ADMIN);
    assertEquals(400, windows.statusCode(), windows.body());

    assertEquals(204, send("DELETE", "/api/v1/machines/patch-1", null, ADMIN).statusCode());
    assertEquals(404, send("GET", "/api/v1/machines/patch-1", null, ADMIN).statusCode());
    assertEquals(204, send("DELETE", "/api/v1/secrets/patch-key-2", null, ADMIN).statusCode());
  }

  @Test
  void givenAnAgentMachine_whenPatchedWithSshOrDeletedOnline_thenRefused() throws Exception {
    machines
        .register(
            new RegisterRequest(
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

    HttpResponse<String> sshPatch =
        send("PATCH", "/api/v1/machines/agent-9", "{\"slots\":3}", ADMIN);
    assertEquals(400, sshPatch.statusCode(), sshPatch.body());
    assertTrue(detail(sshPatch).startsWith("slots:"), sshPatch.body());
    assertEquals(
        "agent",
        json.readTree(send("GET", "/api/v1/machines/agent-9", null, ADMIN).body())
            .path("kind")
            .asText());

    HttpResponse<String> delete = send("DELETE", "/api/v1/machines/agent-9", null, ADMIN);
    assertEquals(409, delete.statusCode(), delete.body());
    assertTrue(detail(delete).contains("stop its agent"), delete.body());

    machines.deregister("agent-9", Instant.now()).block();
    assertEquals(204, send("DELETE", "/api/v1/machines/agent-9", null, ADMIN).statusCode());
  }
}
