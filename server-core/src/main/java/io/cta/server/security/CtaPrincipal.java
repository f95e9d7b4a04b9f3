package io.cta.server.security;

import io.cta.server.error.ForbiddenException;
import java.security.Principal;
import org.springframework.web.server.ServerWebExchange;

/**
 * The authenticated caller of a request.
 *
 * @param machine for an agent token bound to one machine, that machine's name; else null
 */
public record CtaPrincipal(String tokenId, String name, Role role, String machine)
    implements Principal {

  private static final String ATTRIBUTE = CtaPrincipal.class.getName();

  public static CtaPrincipal of(ServerWebExchange exchange) {
    CtaPrincipal principal = exchange.getAttribute(ATTRIBUTE);
    if (principal == null) {
      throw new IllegalStateException("request was not authenticated");
    }
    return principal;
  }

  /**
   * The caller of this request, who must hold {@code role}: a check of its own in the handlers of
   * admin-only endpoints, beside the access policy, so that no routing subtlety can open them.
   */
  public static CtaPrincipal requireRole(ServerWebExchange exchange, Role role) {
    CtaPrincipal principal = of(exchange);
    if (principal.role() != role) {
      throw new ForbiddenException("role '" + principal.role() + "' may not do this");
    }
    return principal;
  }

  void attachTo(ServerWebExchange exchange) {
    exchange.getAttributes().put(ATTRIBUTE, this);
  }

  @Override
  public String getName() {
    return name;
  }

  /** How the caller is named in audit fields such as "canceled by". */
  public String displayName() {
    return name;
  }
}
