package io.cta.api.token;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cta.server.machine.AllowList;
import io.cta.server.security.Role;
import io.cta.server.security.TokenDocument;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A token; {@code token} (the secret) is present only in the answer that created it; {@code groups}
 * and {@code properties} only on an agent token with allow-lists.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenView(
    String id,
    String name,
    Role role,
    String machine,
    Instant createdAt,
    String token,
    List<String> groups,
    Map<String, List<String>> properties) {

  static TokenView of(TokenDocument d, String secret) {
    Map<String, List<String>> properties = null;
    if (d.properties() != null) {
      properties = new LinkedHashMap<>();
      for (AllowList.AllowedProperty p : d.properties()) {
        properties.put(p.name(), p.values());
      }
    }
    return new TokenView(
        d.id(), d.name(), d.role(), d.machine(), d.createdAt(), secret, d.groups(), properties);
  }
}
