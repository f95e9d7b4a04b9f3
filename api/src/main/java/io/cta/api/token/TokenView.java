package io.cta.api.token;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cta.server.security.Role;
import io.cta.server.security.TokenDocument;
import java.time.Instant;

/** A token; {@code token} (the secret) is present only in the answer that created it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenView(
    String id, String name, Role role, String machine, Instant createdAt, String token) {

  static TokenView of(TokenDocument d, String secret) {
    return new TokenView(d.id(), d.name(), d.role(), d.machine(), d.createdAt(), secret);
  }
}
