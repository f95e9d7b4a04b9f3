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

  /** Health, and the UI's static files (they hold no data; the UI calls the API with a token). */
  static boolean isPublic(HttpMethod method, String path) {
    if (path.equals("/actuator/health") || path.startsWith("/actuator/health/")) {
      return true;
    }
    return method == HttpMethod.GET && (path.equals("/") || path.equals("/index.html"));
  }
}
