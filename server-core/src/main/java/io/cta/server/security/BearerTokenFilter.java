package io.cta.server.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Authenticates every request with {@code Authorization: Bearer <token>} (or, for the WebSocket
 * handshake only, a {@code ticket} query parameter) and applies the process's {@link AccessPolicy}:
 * 400 for a path that is not canonical ({@link RequestPaths}), 401 without a valid token, 403 when
 * the role may not. The policy sees the path as the router will match it, never the raw path. A
 * request that would be a 401 is a 429 instead once its address or its secret has failed too often
 * ({@link AuthThrottle}); a valid token is never throttled.
 */
@Component
@Order(-100)
public class BearerTokenFilter implements WebFilter {

  private static final String PREFIX = "Bearer ";

  /** The WebSocket handshake, which also accepts a ticket ({@link TicketStore}). */
  public static final String WEBSOCKET_PATH = "/ws";

  private final TokenStore tokens;
  private final TicketStore tickets;
  private final AccessPolicy policy;
  private final AuthThrottle throttle;

  BearerTokenFilter(
      TokenStore tokens, TicketStore tickets, AccessPolicy policy, AuthThrottle throttle) {
    this.tokens = tokens;
    this.tickets = tickets;
    this.policy = policy;
    this.throttle = throttle;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    HttpMethod method = exchange.getRequest().getMethod();
    String raw = exchange.getRequest().getPath().pathWithinApplication().value();
    String violation = RequestPaths.violation(raw);
    if (violation != null) {
      return reject(exchange, HttpStatus.BAD_REQUEST, violation);
    }
    String path = RequestPaths.routed(raw);
    if (AccessPolicy.isPublic(method, path)) {
      return chain.filter(exchange);
    }
    String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
    String ticket = exchange.getRequest().getQueryParams().getFirst("ticket");
    boolean byTicket = header == null && ticket != null && path.equals(WEBSOCKET_PATH);
    String secret;
    if (byTicket) {
      secret = ticket;
    } else if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      // Not counted as a failure: nothing was guessed.
      return reject(exchange, HttpStatus.UNAUTHORIZED, "a bearer token is required");
    } else {
      secret = header.substring(PREFIX.length()).trim();
      if (secret.isEmpty() || secret.length() > 200) {
        return unauthorized(exchange, secret, "invalid bearer token");
      }
    }
    // A secret that keeps failing is refused without another lookup.
    Optional<Duration> refused = throttle.secretRefused(secret);
    if (refused.isPresent()) {
      return tooManyFailures(exchange, refused.get());
    }
    Mono<CtaPrincipal> caller =
        byTicket ? tickets.redeem(secret, Instant.now()) : tokens.authenticate(secret);
    return caller
        .map(Optional::of)
        .defaultIfEmpty(Optional.empty())
        .flatMap(
            found -> {
              if (found.isEmpty()) {
                return unauthorized(
                    exchange,
                    secret,
                    byTicket ? "invalid or expired ticket" : "invalid bearer token");
              }
              CtaPrincipal principal = found.get();
              if (policy.decide(method, path, principal.role()) != AccessPolicy.Decision.ALLOW) {
                return reject(
                    exchange,
                    HttpStatus.FORBIDDEN,
                    "role '" + principal.role() + "' may not " + method + " " + path);
              }
              principal.attachTo(exchange);
              // Also as the exchange's principal: a WebSocket session sees it in its handshake.
              return chain.filter(exchange.mutate().principal(Mono.just(principal)).build());
            });
  }

  /** A 401 for a secret that is not a token, or a 429 when this caller has failed too often. */
  private Mono<Void> unauthorized(ServerWebExchange exchange, String secret, String detail) {
    Optional<Duration> wait = throttle.failed(exchange.getRequest().getRemoteAddress(), secret);
    return wait.isPresent()
        ? tooManyFailures(exchange, wait.get())
        : reject(exchange, HttpStatus.UNAUTHORIZED, detail);
  }

  private static Mono<Void> tooManyFailures(ServerWebExchange exchange, Duration wait) {
    long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
    exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
    return reject(
        exchange,
        HttpStatus.TOO_MANY_REQUESTS,
        "too many failed authentications from this address or with this token; retry after "
            + seconds
            + " s");
  }

  private static Mono<Void> reject(ServerWebExchange exchange, HttpStatus status, String detail) {
    ServerHttpResponse response = exchange.getResponse();
    response.setStatusCode(status);
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    if (status == HttpStatus.UNAUTHORIZED) {
      response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }
    String body =
        "{\"type\":\"about:blank\",\"title\":\""
            + status.getReasonPhrase()
            + "\",\"status\":"
            + status.value()
            + ",\"detail\":\""
            + jsonEscape(detail)
            + "\",\"instance\":\""
            + jsonEscape(exchange.getRequest().getPath().value())
            + "\"}";
    DataBuffer buffer = response.bufferFactory().wrap(body.getBytes(StandardCharsets.UTF_8));
    return drain(exchange).then(response.writeWith(Mono.just(buffer)));
  }

  /**
   * Reads and drops what the client sends before it is answered: a refusal answered while the
   * client still writes its body makes the server close the connection, and many clients then
   * report "no answer" instead of the problem. Bounded: past {@link #DRAIN_LIMIT} bytes the
   * connection closes after the answer.
   */
  private static Mono<Void> drain(ServerWebExchange exchange) {
    return exchange
        .getRequest()
        .getBody()
        .map(
            chunk -> {
              int bytes = chunk.readableByteCount();
              DataBufferUtils.release(chunk);
              return (long) bytes;
            })
        .scan(0L, Long::sum)
        .takeUntil(read -> read > DRAIN_LIMIT)
        .then()
        .onErrorResume(e -> Mono.empty());
  }

  private static final long DRAIN_LIMIT = 1024 * 1024;

  private static String jsonEscape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
