package io.cta.api.audit;

import io.cta.api.live.LiveController;
import io.cta.server.security.CtaPrincipal;
import java.time.Instant;
import java.util.Set;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.mapping.Document;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Records who created, changed, ran, cancelled or deleted what: every authenticated request that
 * may change something ({@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE} under {@code
 * /api/v1}), with its outcome. The entry is written before the request completes, so a change is
 * never without its entry; a failure to write it is logged and does not fail the request.
 */
@Component
@Order(-50) // after the bearer token filter, which identifies the caller
public class AuditLog implements WebFilter {

  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
  private static final Set<HttpMethod> CHANGES =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

  /**
   * One audited request. The id is an ObjectId, so the newest entries come first by {@code _id}.
   *
   * @param resource the path's collection ({@code scenarios}, {@code executions}, …)
   * @param resourceId the id in the path, or for a create the id of what it created
   * @param status the HTTP status answered
   */
  @Document("audit")
  public record AuditEntry(
      @Id String id,
      Instant at,
      String tokenId,
      String by,
      String role,
      String method,
      String path,
      String resource,
      String resourceId,
      int status) {}

  private final ReactiveMongoTemplate mongo;

  AuditLog(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String path = exchange.getRequest().getPath().value();
    if (!CHANGES.contains(exchange.getRequest().getMethod())
        || !path.startsWith("/api/v1/")
        || path.equals(LiveController.TICKETS)) { // a ticket changes nothing
      return chain.filter(exchange);
    }
    return chain.filter(exchange).then(Mono.defer(() -> record(exchange, path)));
  }

  private Mono<Void> record(ServerWebExchange exchange, String path) {
    CtaPrincipal principal;
    try {
      principal = CtaPrincipal.of(exchange);
    } catch (IllegalStateException unauthenticated) {
      return Mono.empty(); // refused before it could change anything
    }
    String[] parts = path.substring("/api/v1/".length()).split("/");
    String resourceId = parts.length > 1 ? parts[1] : created(exchange);
    int status =
        exchange.getResponse().getStatusCode() == null
            ? 200
            : exchange.getResponse().getStatusCode().value();
    AuditEntry entry =
        new AuditEntry(
            new ObjectId().toHexString(),
            Instant.now(),
            principal.tokenId(),
            principal.displayName(),
            principal.role().name(),
            exchange.getRequest().getMethod().name(),
            path,
            parts[0],
            resourceId,
            status);
    return mongo
        .insert(entry)
        .then()
        .onErrorResume(
            e -> {
              log.warn(
                  "could not write the audit entry of {} {}: {}",
                  entry.method(),
                  path,
                  e.toString());
              return Mono.empty();
            });
  }

  /** The id of what a create made, from its {@code Location} header. */
  private static String created(ServerWebExchange exchange) {
    String location = exchange.getResponse().getHeaders().getFirst(HttpHeaders.LOCATION);
    return location == null ? null : location.substring(location.lastIndexOf('/') + 1);
  }
}
