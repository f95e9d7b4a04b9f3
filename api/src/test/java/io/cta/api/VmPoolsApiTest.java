package io.cta.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cta.server.security.Role;
import io.cta.server.security.TokenStore;
import io.cta.server.vm.VmMachineDocument;
import io.cta.server.vm.VmMachineState;
import io.cta.server.vm.VmPoolStore;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@code /api/v1/vm-pools} (docs/vm-manager.md#pools). */
class VmPoolsApiTest extends ApiHttpTest {

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers(registry, "cta-vm-pools");
  }

  @Autowired VmPoolStore pools;
  @Autowired TokenStore tokens;

  private final ObjectMapper json = new ObjectMapper();

  private JsonNode body(HttpResponse<String> response) throws Exception {
    return json.readTree(response.body());
  }

  @Test
  void givenAPool_whenCreatedReadUpdatedAndDeleted_thenEachAnswersAsDocumented() throws Exception {
    HttpResponse<String> created =
        send("POST", "/api/v1/vm-pools", Fixtures.vmPool("vmp-a"), ADMIN);
    assertEquals(201, created.statusCode(), created.body());
    JsonNode pool = body(created);
    String id = pool.get("id").asText();
    assertEquals("/api/v1/vm-pools/vmp-a", created.headers().firstValue("Location").orElseThrow());
    assertEquals("local", pool.get("provider").asText());
    assertEquals(2, pool.get("maxMachines").asInt());
    assertEquals(1, pool.get("warm").asInt());
    assertEquals("12", pool.get("properties").get("os.version").asText());
    assertEquals("debian-12", pool.get("template").get("image").asText());

    HttpResponse<String> byName = send("GET", "/api/v1/vm-pools/vmp-a", null, ADMIN);
    HttpResponse<String> byId = send("GET", "/api/v1/vm-pools/" + id, null, ADMIN);
    assertEquals(200, byName.statusCode(), byName.body());
    assertEquals(byName.body(), byId.body());
    assertTrue(body(byName).get("machines").isArray());
    String etag = byName.headers().firstValue("ETag").orElseThrow();

    String renamed = Fixtures.vmPool("vmp-b").replace("\"maxMachines\": 2", "\"maxMachines\": 3");
    HttpResponse<String> updated =
        send("PUT", "/api/v1/vm-pools/vmp-a", renamed, ADMIN, "If-Match", etag);
    assertEquals(200, updated.statusCode(), updated.body());
    assertEquals("vmp-b", body(updated).get("name").asText());
    assertEquals(3, body(updated).get("maxMachines").asInt());
    assertEquals(
        412, send("PUT", "/api/v1/vm-pools/" + id, renamed, ADMIN, "If-Match", etag).statusCode());
    assertEquals(404, send("GET", "/api/v1/vm-pools/vmp-a", null, ADMIN).statusCode());

    JsonNode page = body(send("GET", "/api/v1/vm-pools?sort=name,asc", null, ADMIN));
    assertTrue(page.get("total").asInt() >= 1);
    assertTrue(page.get("items").get(0).get("machines").isNull());

    assertEquals(204, send("DELETE", "/api/v1/vm-pools/vmp-b", null, ADMIN).statusCode());
    assertEquals(404, send("GET", "/api/v1/vm-pools/" + id, null, ADMIN).statusCode());
  }

  @Test
  void givenATakenName_whenCreatedOrRenamedToIt_thenConflict() throws Exception {
    assertEquals(
        201, send("POST", "/api/v1/vm-pools", Fixtures.vmPool("vmp-dup"), ADMIN).statusCode());
    assertEquals(
        201, send("POST", "/api/v1/vm-pools", Fixtures.vmPool("vmp-other"), ADMIN).statusCode());

    HttpResponse<String> again =
        send("POST", "/api/v1/vm-pools", Fixtures.vmPool("vmp-dup"), ADMIN);
    assertEquals(409, again.statusCode(), again.body());
    assertTrue(again.body().contains("a vm pool named 'vmp-dup' exists"), again.body());
    HttpResponse<String> rename =
        send("PUT", "/api/v1/vm-pools/vmp-other", Fixtures.vmPool("vmp-dup"), ADMIN);
    assertEquals(409, rename.statusCode(), rename.body());
  }

  @Test
  void givenBadFields_whenCreated_thenA400NamesTheField() throws Exception {
    String good = Fixtures.vmPool("vmp-bad");
    List<List<String>> cases =
        List.of(
            List.of("\"vmp-bad\"", "\"bad name\"", "name:"),
            List.of("\"local\"", "\"libvirt\"", "provider: 'libvirt' is not available yet"),
            List.of("\"provider\": \"local\",", "", "provider: required"),
            List.of("\"maxMachines\": 2", "\"maxMachines\": 0", "maxMachines: must be between 1"),
            List.of("\"warm\": 1", "\"warm\": 3", "warm: must be between 0 and 2"),
            List.of("\"vmTimeout\": 3600000", "\"vmTimeout\": 10", "vmTimeout: must be between"),
            List.of(
                "\"launchTimeout\": 300000",
                "\"launchTimeout\": 3600000",
                "launchTimeout: must be shorter than vmTimeout"),
            List.of("\"image\"", "\"im.age\"", "template: 'im.age' is not a key"),
            List.of("[\"vms\"]", "[\"bad group\"]", "groups"));
    for (List<String> c : cases) {
      HttpResponse<String> answer =
          send("POST", "/api/v1/vm-pools", good.replace(c.get(0), c.get(1)), ADMIN);
      assertEquals(400, answer.statusCode(), c + " " + answer.body());
      assertTrue(answer.body().contains(c.get(2)), c + " " + answer.body());
    }
    assertEquals(404, send("GET", "/api/v1/vm-pools/vmp-bad", null, ADMIN).statusCode());
  }

  @Test
  void givenAPoolWithMachines_whenRead_thenItListsThemAndRefusesDeletionWhileOneLives()
      throws Exception {
    String id =
        body(send("POST", "/api/v1/vm-pools", Fixtures.vmPool("vmp-m"), ADMIN)).get("id").asText();
    Instant t = Instant.parse("2026-12-05T10:00:00Z");
    pools
        .insertMachine(
            new VmMachineDocument(
                "lease-live-1",
                "lease-live",
                id,
                "vmp-m-1",
                "i-1",
                VmMachineState.leased,
                "exec-1",
                null,
                t,
                t))
        .block();
    pools
        .insertMachine(
            new VmMachineDocument(
                "lease-failed-1",
                "lease-failed",
                id,
                "vmp-m-2",
                null,
                VmMachineState.failed,
                null,
                "its agent did not register within 300000 ms",
                t,
                t))
        .block();

    JsonNode machines = body(send("GET", "/api/v1/vm-pools/vmp-m", null, ADMIN)).get("machines");
    assertEquals(2, machines.size(), machines.toString());
    assertEquals("leased", machines.get(0).get("state").asText());
    assertEquals("exec-1", machines.get(0).get("executionId").asText());
    assertEquals("failed", machines.get(1).get("state").asText());
    assertTrue(machines.get(1).get("reason").asText().contains("did not register"));

    HttpResponse<String> refused = send("DELETE", "/api/v1/vm-pools/vmp-m", null, ADMIN);
    assertEquals(409, refused.statusCode(), refused.body());
    assertTrue(refused.body().contains("still has live machines"), refused.body());

    pools.moveMachine("lease-live-1", VmMachineState.destroyed, null, null, null).block();
    assertEquals(204, send("DELETE", "/api/v1/vm-pools/vmp-m", null, ADMIN).statusCode());
  }

  @Test
  void givenAViewer_whenWritingOrReadingPools_thenOnlyReadsPass() throws Exception {
    String viewer = tokens.create("vm viewer", Role.viewer, null).block().secret();
    assertEquals(
        403, send("POST", "/api/v1/vm-pools", Fixtures.vmPool("vmp-v"), viewer).statusCode());
    assertEquals(200, send("GET", "/api/v1/vm-pools", null, viewer).statusCode());
  }

  @Test
  void givenAConfigurationTargetingAPool_whenCreated_thenRefusedAsNotAvailableYet()
      throws Exception {
    HttpResponse<String> refused =
        send(
            "POST",
            "/api/v1/configurations",
            "{\"name\": \"v\", \"type\": \"virtual\", \"target\": {\"vmPool\": \"vmp-a\"}}",
            ADMIN);

    assertEquals(400, refused.statusCode(), refused.body());
    assertTrue(
        refused.body().contains("target.vmPool: vmPool targets are not available yet"),
        refused.body());
  }
}
