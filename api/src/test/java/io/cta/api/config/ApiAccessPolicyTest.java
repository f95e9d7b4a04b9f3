package io.cta.api.config;

import static io.cta.server.security.AccessPolicy.Decision.ALLOW;
import static io.cta.server.security.AccessPolicy.Decision.DENY;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cta.server.security.AccessPolicy;
import io.cta.server.security.Role;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;

class ApiAccessPolicyTest {

  private final ApiAccessPolicy policy = new ApiAccessPolicy();

  @Test
  void givenEachRole_whenReadingAndWriting_thenViewersOnlyReadAndAgentsNeverGetIn() {
    String runs = "/api/v1/scenarios/s1/run";
    assertEquals(ALLOW, policy.decide(HttpMethod.POST, runs, Role.admin));
    assertEquals(ALLOW, policy.decide(HttpMethod.POST, runs, Role.operator));
    assertEquals(DENY, policy.decide(HttpMethod.POST, runs, Role.viewer));
    assertEquals(DENY, policy.decide(HttpMethod.POST, runs, Role.agent));
    assertEquals(ALLOW, policy.decide(HttpMethod.GET, "/api/v1/executions", Role.viewer));
    assertEquals(DENY, policy.decide(HttpMethod.GET, "/api/v1/executions", Role.agent));
  }

  @Test
  void givenWhoIsSignedIn_whenAsked_thenEveryUserRoleMayAndAgentsMayNot() {
    for (Role role : new Role[] {Role.admin, Role.operator, Role.viewer}) {
      assertEquals(ALLOW, policy.decide(HttpMethod.GET, "/api/v1/me", role));
    }
    assertEquals(DENY, policy.decide(HttpMethod.GET, "/api/v1/me", Role.agent));
  }

  @Test
  void givenTokensAndActuator_whenNotAdmin_thenDenied() {
    for (Role role : new Role[] {Role.operator, Role.viewer, Role.agent}) {
      assertEquals(DENY, policy.decide(HttpMethod.GET, "/api/v1/tokens", role));
      assertEquals(DENY, policy.decide(HttpMethod.DELETE, "/api/v1/tokens/x", role));
      assertEquals(DENY, policy.decide(HttpMethod.GET, "/api/v1/audit", role));
      assertEquals(DENY, policy.decide(HttpMethod.GET, "/actuator/info", role));
    }
    assertEquals(ALLOW, policy.decide(HttpMethod.POST, "/api/v1/tokens", Role.admin));
    assertEquals(ALLOW, policy.decide(HttpMethod.GET, "/api/v1/audit", Role.admin));
    assertEquals(ALLOW, policy.decide(HttpMethod.GET, "/actuator/info", Role.admin));
  }

  @Test
  void givenMetrics_whenScraped_thenEveryUserRoleMayAndAgentsMayNot() {
    for (Role role : new Role[] {Role.admin, Role.operator, Role.viewer}) {
      assertEquals(ALLOW, policy.decide(HttpMethod.GET, "/actuator/prometheus", role));
    }
    assertEquals(DENY, policy.decide(HttpMethod.GET, "/actuator/prometheus", Role.agent));
    assertEquals(DENY, policy.decide(HttpMethod.POST, "/actuator/prometheus", Role.viewer));
  }

  @Test
  void givenAnUnknownPath_whenAnyRole_thenDenied() {
    assertEquals(DENY, policy.decide(HttpMethod.GET, "/internal/debug", Role.admin));
    assertEquals(DENY, policy.decide(HttpMethod.GET, "/api/v2/executions", Role.admin));
  }

  @Test
  void givenHealthAndTheUiPage_whenAnonymous_thenPublic() {
    assertEquals(true, AccessPolicy.isPublic(HttpMethod.GET, "/actuator/health"));
    assertEquals(true, AccessPolicy.isPublic(HttpMethod.GET, "/index.html"));
    assertEquals(false, AccessPolicy.isPublic(HttpMethod.GET, "/actuator/prometheus"));
    assertEquals(false, AccessPolicy.isPublic(HttpMethod.POST, "/"));
  }
}
