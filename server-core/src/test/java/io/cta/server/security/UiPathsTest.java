package io.cta.server.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;

class UiPathsTest {

  @Test
  void givenTheConsolesPagesAndFiles_whenRead_thenPublic() {
    for (String path :
        List.of(
            "/",
            "/index.html",
            "/executions",
            "/executions/6749c0ffee",
            "/machines",
            "/scenarios",
            "/scenarios/6749c0ffee",
            "/scenarios/new",
            "/suites",
            "/suites/6749c0ffee",
            "/configurations",
            "/configurations/new",
            "/admin/tokens",
            "/admin/audit",
            "/admin/secrets",
            "/assets/index-d5de9cyi.js")) {
      assertTrue(AccessPolicy.isPublic(HttpMethod.GET, path), path);
    }
  }

  @Test
  void givenReservedPrefixesOrOtherMethods_whenChecked_thenNeverAConsolePage() {
    for (String path :
        List.of(
            "/api/v1/executions",
            "/api/v1/me",
            "/agent/work",
            "/ws",
            "/actuator/info",
            "/v3/api-docs-x",
            "/swagger-ui",
            "/executions/a/b",
            "/executions/a.b",
            "/assets/x/y.js",
            "/assets",
            "/machines/m1",
            "/admin",
            "/admin/other",
            "/admin/tokens/t1",
            "/suites/a/b",
            "/elsewhere")) {
      assertFalse(UiPaths.isPage(path), path);
      assertFalse(AccessPolicy.isPublic(HttpMethod.GET, path), path);
    }
    assertFalse(AccessPolicy.isPublic(HttpMethod.POST, "/executions"));
    assertFalse(AccessPolicy.isPublic(HttpMethod.DELETE, "/machines"));
    assertFalse(AccessPolicy.isPublic(HttpMethod.HEAD, "/scenarios"));
  }
}
