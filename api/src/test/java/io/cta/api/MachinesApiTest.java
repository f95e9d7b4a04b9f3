package io.cta.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cta.activities.events.RegisterRequest;
import io.cta.server.machine.MachineStore;
import io.cta.server.security.TokenStore;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Agent tokens with allow-lists, machine PATCHes that remove declared labels, and the label and
 * selector limits where they enter through the api.
 */
class MachinesApiTest extends ApiHttpTest {

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers(registry, "cta-machines");
  }

  @Autowired MachineStore machines;
  @Autowired TokenStore tokens;

  private final ObjectMapper json = new ObjectMapper();

  private String detail(HttpResponse<String> response) throws Exception {
    return json.readTree(response.body()).path("detail").asText();
  }

  @Test
  void givenAnAgentTokenWithAllowLists_whenCreated_thenItShowsThemAndStoresThem() throws Exception {
    HttpResponse<String> created =
        send(
            "POST",
            "/api/v1/tokens",
            """
            {"name":"lab agent","role":"agent","machine":"lab-01","groups":["web-*"],
             "properties":{"os":["linux","macos"],"os.version":["*"]}}""",
            ADMIN);

    assertEquals(201, created.statusCode(), created.body());
    JsonNode view = json.readTree(created.body());
    assertEquals(List.of("web-*"), json.convertValue(view.path("groups"), List.class));
    assertEquals(
        Map.of("os", List.of("linux", "macos"), "os.version", List.of("*")),
        json.convertValue(view.path("properties"), Map.class));
    assertTrue(
        tokens.find(view.path("id").asText()).block().allowList().restricts(),
        "stored with the token");

    HttpResponse<String> plain =
        send("POST", "/api/v1/tokens", "{\"name\":\"any agent\",\"role\":\"agent\"}", ADMIN);
    assertEquals(201, plain.statusCode(), plain.body());
    assertFalse(json.readTree(plain.body()).has("groups"), "no allow-list: any label");
  }

  @Test
  void givenAllowListsOutsideTheRules_whenATokenIsCreated_thenA400NamesTheRule() throws Exception {
    StringBuilder globs = new StringBuilder();
    for (int k = 0; k < 51; k++) {
      globs.append(k == 0 ? "" : ",").append("\"v").append(k).append('"');
    }

    HttpResponse<String> operator =
        send(
            "POST",
            "/api/v1/tokens",
            "{\"name\":\"op\",\"role\":\"operator\",\"groups\":[\"web\"]}",
            ADMIN);
    HttpResponse<String> tooManyGlobs =
        send(
            "POST",
            "/api/v1/tokens",
            "{\"name\":\"a\",\"role\":\"agent\",\"properties\":{\"os\":[" + globs + "]}}",
            ADMIN);
    HttpResponse<String> badName =
        send(
            "POST",
            "/api/v1/tokens",
            "{\"name\":\"a\",\"role\":\"agent\",\"properties\":{\"os name\":[\"*\"]}}",
            ADMIN);
    HttpResponse<String> noGlobs =
        send(
            "POST",
            "/api/v1/tokens",
            "{\"name\":\"a\",\"role\":\"agent\",\"properties\":{\"os\":[]}}",
            ADMIN);

    assertEquals(400, operator.statusCode(), operator.body());
    assertEquals("groups, properties: only agent tokens carry allow-lists", detail(operator));
    assertEquals(400, tooManyGlobs.statusCode(), tooManyGlobs.body());
    assertEquals("properties.os: 51 given, the limit is 50", detail(tooManyGlobs));
    assertEquals(400, badName.statusCode(), badName.body());
    assertTrue(detail(badName).contains("'os name' is not a property name"), badName.body());
    assertEquals(400, noGlobs.statusCode(), noGlobs.body());
  }

  private String registered(String name) {
    return machines
        .register(
            new RegisterRequest(
                name,
                name,
                "10.0.0.1",
                "linux",
                "amd64",
                2,
                1_000_000,
                "1.0",
                Map.of("gpu", "nvidia", "os", "linux", "os.version", "22.04"),
                List.of("gpu", "web"),
                1),
            Instant.now())
        .block()
        .id();
  }

  @Test
  void givenAPatchWithNullsAndRemoveGroups_whenApplied_thenDeclaredLabelsNoLongerCount()
      throws Exception {
    String id = registered("patch-01");

    HttpResponse<String> patched =
        send(
            "PATCH",
            "/api/v1/machines/" + id,
            """
            {"properties":{"gpu":null,"os":"ubuntu"},"groups":["fast"],"removeGroups":["gpu"]}""",
            ADMIN);

    assertEquals(200, patched.statusCode(), patched.body());
    JsonNode view = json.readTree(patched.body());
    assertEquals(
        Map.of("os", "ubuntu", "os.version", "22.04"),
        json.convertValue(view.path("properties"), Map.class));
    assertEquals(List.of("fast", "web"), json.convertValue(view.path("groups"), List.class));
    assertEquals(
        Map.of("gpu", "nvidia", "os", "linux", "os.version", "22.04"),
        json.convertValue(view.path("declared").path("properties"), Map.class),
        "declared labels are shown as declared");
    assertEquals(
        List.of("gpu"), json.convertValue(view.path("removed").path("groups"), List.class));
    assertEquals(
        List.of("gpu"), json.convertValue(view.path("removed").path("properties"), List.class));
    assertTrue(view.path("refused").path("groups").isEmpty(), view.toString());

    // A PATCH without removals keeps them; [] and a value give the label back.
    send("PATCH", "/api/v1/machines/" + id, "{\"groups\":[]}", ADMIN);
    HttpResponse<String> back =
        send(
            "PATCH",
            "/api/v1/machines/" + id,
            "{\"properties\":{\"gpu\":\"amd\"},\"removeGroups\":[]}",
            ADMIN);
    JsonNode restored = json.readTree(back.body());
    assertEquals("amd", restored.path("properties").path("gpu").asText(), back.body());
    assertEquals(List.of("gpu", "web"), json.convertValue(restored.path("groups"), List.class));
  }

  @Test
  void givenLabelsOverTheLimits_whenPatched_thenA400NamesTheLimit() throws Exception {
    String id = registered("patch-02");
    StringBuilder many = new StringBuilder("{\"properties\":{");
    for (int k = 0; k < 201; k++) {
      many.append(k == 0 ? "" : ",").append("\"p").append(k).append("\":\"v\"");
    }

    HttpResponse<String> tooMany = send("PATCH", "/api/v1/machines/" + id, many + "}}", ADMIN);
    HttpResponse<String> longValue =
        send(
            "PATCH",
            "/api/v1/machines/" + id,
            "{\"properties\":{\"os\":\"" + "x".repeat(1001) + "\"}}",
            ADMIN);
    HttpResponse<String> badGroup =
        send("PATCH", "/api/v1/machines/" + id, "{\"removeGroups\":[\"a/b\"]}", ADMIN);
    HttpResponse<String> both =
        send(
            "PATCH",
            "/api/v1/machines/" + id,
            "{\"groups\":[\"web\"],\"removeGroups\":[\"web\"]}",
            ADMIN);

    assertEquals(400, tooMany.statusCode(), tooMany.body());
    assertEquals("properties: 201 given, the limit is 200", detail(tooMany));
    assertEquals(400, longValue.statusCode());
    assertEquals("properties.os: longer than the limit of 1000 characters", detail(longValue));
    assertEquals(400, badGroup.statusCode());
    assertTrue(detail(badGroup).startsWith("removeGroups: 'a/b' is not a group name"));
    assertEquals(400, both.statusCode());
  }

  @Test
  void givenASelectorOverTheLimits_whenAConfigurationIsSaved_thenA400NamesTheLimit()
      throws Exception {
    HttpResponse<String> tooLong =
        send(
            "POST",
            "/api/v1/configurations",
            "{\"name\":\"c\",\"target\":{\"selector\":\"os=" + "x".repeat(2000) + "\"}}",
            ADMIN);
    HttpResponse<String> stars =
        send(
            "POST",
            "/api/v1/configurations",
            "{\"name\":\"stars\",\"target\":{\"selector\":\"os=" + "*".repeat(64) + "#\"}}",
            ADMIN);

    assertEquals(400, tooLong.statusCode(), tooLong.body());
    assertTrue(detail(tooLong).contains("limit of 2000 characters"), tooLong.body());
    assertEquals(201, stars.statusCode(), "many stars are fine: matching is linear");
  }
}
