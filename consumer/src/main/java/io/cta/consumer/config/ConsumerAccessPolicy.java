package io.cta.consumer.config;

import io.cta.server.security.AccessPolicy;
import io.cta.server.security.Role;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;

/**
 * The consumer serves agents, metrics to every user role and the other actuator endpoints to
 * admins; nothing else.
 */
@Component
class ConsumerAccessPolicy implements AccessPolicy {

  @Override
  public Decision decide(HttpMethod method, String path, Role role) {
    if (path.startsWith("/agent/v1/")) {
      // The runner is refused any machine but an SSH one by MachineOwnership, and agents those.
      return role == Role.agent || role == Role.runner ? Decision.ALLOW : Decision.DENY;
    }
    if (path.startsWith("/actuator/")) {
      return AccessPolicy.actuator(method, path, role);
    }
    return Decision.DENY;
  }
}
