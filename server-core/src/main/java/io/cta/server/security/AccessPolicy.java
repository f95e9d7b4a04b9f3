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
   * Health, the UI's static files and the API description (they hold no data; every call they lead
   * to needs a token).
   */
  static boolean isPublic(HttpMethod method, String path) {
    if (path.equals("/actuator/health") || path.startsWith("/actuator/health/")) {
      return true;
    }
    return method == HttpMethod.GET
        && (path.equals("/")
            || path.equals("/index.html")
            || path.equals("/v3/api-docs")
            || path.startsWith("/v3/api-docs/")
            || path.equals("/swagger-ui.html")
            || path.startsWith("/swagger-ui/")
            || path.startsWith("/webjars/swagger-ui/"));
  }
}
