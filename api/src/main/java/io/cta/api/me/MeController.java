package io.cta.api.me;

import io.cta.server.security.CtaPrincipal;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Who is signed in: the web console reads it to show the caller's name and only the controls their
 * role may use (the api still checks every call). Any user role may ask; agent tokens may not.
 */
@RestController
class MeController {

  static final String PATH = "/api/v1/me";

  @GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<MeView> me(ServerWebExchange exchange) {
    return Mono.just(MeView.of(CtaPrincipal.of(exchange)));
  }
}
