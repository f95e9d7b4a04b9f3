package io.cta.api.live;

import io.cta.server.security.BearerTokenFilter;
import io.cta.server.security.CtaPrincipal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /ws}: live executions, results, log lines and machines (protocol in docs/api.md). The
 * handshake was authenticated by the bearer token filter, with a token or a ticket; it is refused
 * with a 429 problem when the token or the process has as many sessions open as allowed ({@link
 * LiveProperties}).
 */
@Configuration
class LiveSocketHandler {

  private final LiveHub hub;
  private final JsonMapper json;
  private final WebSocketService handshakes;

  LiveSocketHandler(LiveHub hub, JsonMapper json) {
    this.hub = hub;
    this.json = json;
    this.handshakes = new HandshakeWebSocketService();
  }

  /** One counted session, given back once: when the socket ends, or when the upgrade failed. */
  private static final class Reservation {
    private final LiveHub hub;
    private final String tokenId;
    private final AtomicBoolean released = new AtomicBoolean();

    Reservation(LiveHub hub, String tokenId) {
      this.hub = hub;
      this.tokenId = tokenId;
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        hub.release(tokenId);
      }
    }
  }

  @Bean
  static HandlerMapping liveSocketMapping(LiveSocketHandler handler) {
    WebHandler handshake = handler::handshake;
    return new SimpleUrlHandlerMapping(Map.of(BearerTokenFilter.WEBSOCKET_PATH, handshake), -1);
  }

  /**
   * Counts the session before the upgrade, so that a cap is a 429 (a session refused after the
   * upgrade could only be closed). The session gives the count back when it ends; an upgrade that
   * fails gives it back at once. The upgrade completes before the session ends (Reactor Netty runs
   * the session on its own), so the session, not the upgrade, holds the count.
   */
  Mono<Void> handshake(ServerWebExchange exchange) {
    String tokenId = CtaPrincipal.of(exchange).tokenId();
    String refusal = hub.reserve(tokenId);
    if (refusal != null) {
      return tooMany(exchange, refusal);
    }
    Reservation reservation = new Reservation(hub, tokenId);
    return Mono.defer(
            () -> handshakes.handleRequest(exchange, socket -> handle(socket, reservation)))
        .doOnError(e -> reservation.release())
        .doOnCancel(reservation::release); // the client left during the handshake
  }

  private Mono<Void> tooMany(ServerWebExchange exchange, String detail) {
    HttpStatus status = HttpStatus.TOO_MANY_REQUESTS;
    ServerHttpResponse response = exchange.getResponse();
    response.setStatusCode(status);
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", "about:blank");
    problem.put("title", status.getReasonPhrase());
    problem.put("status", status.value());
    problem.put("detail", detail);
    problem.put("instance", exchange.getRequest().getPath().value());
    byte[] body = json.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
    return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
  }

  private Mono<Void> handle(WebSocketSession socket, Reservation reservation) {
    return socket
        .getHandshakeInfo()
        .getPrincipal()
        .cast(CtaPrincipal.class)
        .flatMap(caller -> handle(socket, new LiveSession(hub, json, caller.tokenId())))
        .doFinally(signal -> reservation.release());
  }

  private Mono<Void> handle(WebSocketSession socket, LiveSession session) {
    hub.register(session);
    Mono<Void> inbound =
        socket
            .receive()
            .map(WebSocketMessage::getPayloadAsText)
            .doOnNext(session::receive)
            .doFinally(signal -> session.close())
            .then();
    Mono<Void> outbound = socket.send(session.messages().map(socket::textMessage));
    return Mono.zip(inbound, outbound).then().doFinally(signal -> hub.unregister(session));
  }
}
