package io.cta.server.security;

import org.springframework.http.HttpMethod;

/**
 * Which roles may call a path. Each server process declares one; a path it does not know is denied,
 * so an endpoint can never be added unprotected by accident.
 */
@FunctionalInterface
public interface AccessPolicy {

  /** The decision for one authenticated request. */
  Decision decide(HttpMethod method, String path, Role role);

  enum Decision {
    ALLOW,
    DENY
  }

  /**
   * Actuator endpoints other than the public health: {@code GET /actuator/prometheus} for every
   * user role, so a Prometheus scraper can use a least-privileged viewer token (metrics hold only
   * aggregates a viewer can read anyway); the rest for admins. Agent and runner tokens never.
   */
  static Decision actuator(HttpMethod method, String path, Role role) {
    if (role == Role.agent || role == Role.runner) {
      return Decision.DENY;
    }
    if (method == HttpMethod.GET && path.equals("/actuator/prometheus")) {
      return Decision.ALLOW;
    }
    return role == Role.admin ? Decision.ALLOW : Decision.DENY;
  }

  /**
   * Health, the UI's pages and files ({@link UiPaths}) and the API description (they hold no data;
   * every call they lead to needs a token).
   */
  static boolean isPublic(HttpMethod method, String path) {
    if (path.equals("/actuator/health") || path.startsWith("/actuator/health/")) {
      return true;
    }
    return method == HttpMethod.GET
        && (UiPaths.isUi(path)
            || path.equals("/v3/api-docs")
            || path.startsWith("/v3/api-docs/")
            || path.equals("/swagger-ui.html")
            || path.startsWith("/swagger-ui/")
            || path.startsWith("/webjars/swagger-ui/"));
  }
}
