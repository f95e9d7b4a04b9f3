package io.cta.api.me;

import io.cta.server.security.CtaPrincipal;
import io.cta.server.security.Role;

/**
 * The caller of {@code GET /api/v1/me}.
 *
 * @param tokenId the id of the token used (as in {@code GET /api/v1/tokens}), never its secret
 * @param name the token's name, as audit fields such as "requested by" show it
 * @param role what the token may do (docs/api.md, "Authentication and roles")
 */
public record MeView(String tokenId, String name, Role role) {

  static MeView of(CtaPrincipal principal) {
    return new MeView(principal.tokenId(), principal.displayName(), principal.role());
  }
}
