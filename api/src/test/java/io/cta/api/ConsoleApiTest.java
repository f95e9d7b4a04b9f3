package io.cta.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cta.server.security.Role;
import io.cta.server.security.TokenStore;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What the web console needs from the api (docs/ui.md): who is signed in, its pages opened directly
 * by URL without a token, a strict Content-Security-Policy on them, and no fallback page where the
 * API, agent, socket, actuator or API description live.
 */
class ConsoleApiTest extends ApiHttpTest {

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers(registry, "cta-console");
  }

  @Autowired TokenStore tokens;

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void givenEachUserRole_whenAskingWhoIsSignedIn_thenItsNameAndRoleAndNeverTheSecret()
      throws Exception {
    var viewer = tokens.create("watcher", Role.viewer, null).block();

    HttpResponse<String> asViewer = send("GET", "/api/v1/me", null, viewer.secret());
    HttpResponse<String> asAdmin = send("GET", "/api/v1/me", null, ADMIN);

    assertEquals(200, asViewer.statusCode(), asViewer.body());
    JsonNode me = json.readTree(asViewer.body());
    assertEquals("watcher", me.get("name").asText());
    assertEquals("viewer", me.get("role").asText());
    assertEquals(viewer.token().id(), me.get("tokenId").asText());
    assertFalse(asViewer.body().contains(viewer.secret()));
    assertEquals("admin", json.readTree(asAdmin.body()).get("role").asText());
  }

  @Test
  void givenNoOrAnAgentToken_whenAskingWhoIsSignedIn_thenProblems() throws Exception {
    String agent = tokens.create("me agent", Role.agent, "m-me").block().secret();

    assertProblem(send("GET", "/api/v1/me", null, null), 401);
    assertProblem(send("GET", "/api/v1/me", null, agent), 403);
  }

  @Test
  void givenEachPageUrl_whenOpenedWithoutAToken_thenTheConsoleWithAStrictPolicy() throws Exception {
    for (String page :
        List.of(
            "/",
            "/executions",
            "/executions/6749c0ffee00000000000001",
            "/machines",
            "/scenarios",
            "/scenarios/6749c0ffee00000000000002",
            "/scenarios/new",
            "/suites",
            "/configurations/new",
            "/admin/tokens",
            "/admin/audit",
            "/admin/secrets")) {
      HttpResponse<String> response = send("GET", page, null, null);

      assertEquals(200, response.statusCode(), page);
      assertTrue(
          response.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), page);
      assertTrue(response.body().contains("<div id=\"root\"></div>"), page);
      assertStrictPolicy(response, page);
    }
  }

  @Test
  void givenTheConsolesScript_whenFetchedWithoutAToken_thenServedWithThePolicy() throws Exception {
    String index = send("GET", "/", null, null).body();
    Matcher script =
        Pattern.compile("<script type=\"module\" crossorigin src=\"([^\"]+)\"").matcher(index);
    assertTrue(script.find(), index);
    assertFalse(index.contains("<script>"), "no inline script");

    HttpResponse<String> js = send("GET", script.group(1), null, null);

    assertEquals(200, js.statusCode());
    assertStrictPolicy(js, script.group(1));
  }

  @Test
  void givenReservedPrefixes_whenAnUnknownPathIsRead_thenAProblemAndNeverTheConsole()
      throws Exception {
    List<String> wrong = new ArrayList<>();
    for (String path :
        List.of(
            "/api/v1/no-such",
            "/api/no-such",
            "/agent/no-such",
            "/ws/no-such",
            "/actuator/no-such",
            "/v3/no-such",
            "/swagger-ui/no-such",
            "/executions/a/b",
            "/no-such-page")) {
      for (String token : new String[] {null, ADMIN}) {
        HttpResponse<String> response = send("GET", path, null, token);
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (response.statusCode() < 400 || !type.contains("problem+json")) {
          wrong.add(
              path + (token == null ? "" : " (admin)") + ": " + response.statusCode() + " " + type);
        }
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void givenAPageUrl_whenNotAGet_thenNoFallback() throws Exception {
    assertProblem(send("POST", "/executions", "{}", null), 401);
    assertProblem(send("DELETE", "/machines", null, null), 401);
  }

  private static void assertStrictPolicy(HttpResponse<String> response, String what) {
    String policy = response.headers().firstValue("Content-Security-Policy").orElse("");
    assertTrue(policy.contains("script-src 'self'"), what + ": " + policy);
    assertFalse(policy.contains("unsafe-inline"), what + ": " + policy);
    assertFalse(policy.contains("unsafe-eval"), what + ": " + policy);
    assertTrue(policy.contains("object-src 'none'"), what + ": " + policy);
  }

  private static void assertProblem(HttpResponse<String> response, int status) {
    assertEquals(status, response.statusCode(), response.body());
    assertTrue(
        response.headers().firstValue("Content-Type").orElse("").contains("problem+json"),
        response.headers().toString());
  }
}
