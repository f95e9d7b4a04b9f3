package io.cta.api.audit;

import io.cta.api.live.LiveController;
import io.cta.server.audit.AuditStore;
import io.cta.server.audit.AuditStore.AuditEntry;
import io.cta.server.security.CtaPrincipal;
import io.cta.server.security.RequestPaths;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
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
   * The status recorded for a request whose client hung up before the answer (as nginx logs it).
   */
  static final int CLIENT_CLOSED = 499;

  private final AuditStore store;

  AuditLog(AuditStore store) {
    this.store = store;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    // The bearer token filter has refused every path that is not canonical.
    String path = RequestPaths.decoded(exchange.getRequest().getPath().value());
    String routed = RequestPaths.routed(path);
    if (!CHANGES.contains(exchange.getRequest().getMethod())
        || !routed.startsWith("/api/v1/")
        || routed.equals(LiveController.TICKETS)) { // a ticket changes nothing
      return chain.filter(exchange);
    }
    // A client that hangs up cancels the handler, maybe after it changed something: the entry is
    // written then too, with 499, and only once.
    AtomicBoolean recorded = new AtomicBoolean();
    return chain
        .filter(exchange)
        .then(
            Mono.defer(
                () ->
                    recorded.compareAndSet(false, true)
                        ? record(exchange, path, null)
                        : Mono.empty()))
        .doOnCancel(
            () -> {
              if (recorded.compareAndSet(false, true)) {
                record(exchange, path, CLIENT_CLOSED).subscribe();
              }
            });
  }

  private Mono<Void> record(ServerWebExchange exchange, String path, Integer answered) {
    CtaPrincipal principal;
    try {
      principal = CtaPrincipal.of(exchange);
    } catch (IllegalStateException unauthenticated) {
      return Mono.empty(); // refused before it could change anything
    }
    String[] parts = path.substring("/api/v1/".length()).split("/");
    String resourceId = parts.length > 1 ? parts[1] : created(exchange);
    int status =
        answered != null
            ? answered
            : exchange.getResponse().getStatusCode() == null
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
            parts[0].toLowerCase(Locale.ROOT),
            resourceId,
            status,
            null,
            null,
            null);
    return store
        .append(List.of(entry))
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
