package io.cta.api.live;

import io.cta.server.security.BearerTokenFilter;
import io.cta.server.security.CtaPrincipal;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /ws}: live executions, results, log lines and machines (protocol in docs/api.md). The
 * handshake was authenticated by the bearer token filter, with a token or a ticket.
 */
@Configuration
class LiveSocketHandler implements WebSocketHandler {

  private final LiveHub hub;
  private final JsonMapper json;

  LiveSocketHandler(LiveHub hub, JsonMapper json) {
    this.hub = hub;
    this.json = json;
  }

  @Bean
  static HandlerMapping liveSocketMapping(LiveSocketHandler handler) {
    return new SimpleUrlHandlerMapping(Map.of(BearerTokenFilter.WEBSOCKET_PATH, handler), -1);
  }

  @Override
  public Mono<Void> handle(WebSocketSession socket) {
    return socket
        .getHandshakeInfo()
        .getPrincipal()
        .cast(CtaPrincipal.class)
        .flatMap(caller -> handle(socket, new LiveSession(hub, json, caller.tokenId())));
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
