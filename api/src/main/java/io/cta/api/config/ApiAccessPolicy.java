package io.cta.api.config;

import io.cta.api.live.LiveController;
import io.cta.server.security.AccessPolicy;
import io.cta.server.security.BearerTokenFilter;
import io.cta.server.security.Role;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;

/**
 * Roles of the REST API: viewers read (also the metrics and live updates), operators define and
 * run, admins also manage tokens, read the audit log and the other actuator endpoints. Agent tokens
 * are for the consumer's agent endpoints only.
 */
@Component
class ApiAccessPolicy implements AccessPolicy {

  @Override
  public Decision decide(HttpMethod method, String path, Role role) {
    if (role == Role.agent || role == Role.runner) {
      return Decision.DENY;
    }
    if (adminOnly(path, "/api/v1/tokens") || adminOnly(path, "/api/v1/audit")) {
      return role == Role.admin ? Decision.ALLOW : Decision.DENY;
    }
    if (path.equals(BearerTokenFilter.WEBSOCKET_PATH) || path.equals(LiveController.TICKETS)) {
      return Decision.ALLOW; // live updates are reads: every user role may watch
    }
    if (path.startsWith("/api/v1/")) {
      boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
      return read || role != Role.viewer ? Decision.ALLOW : Decision.DENY;
    }
    if (path.startsWith("/actuator/")) {
      return AccessPolicy.actuator(method, path, role);
    }
    return Decision.DENY;
  }

  private static boolean adminOnly(String path, String prefix) {
    return path.equals(prefix) || path.startsWith(prefix + "/");
  }
}
