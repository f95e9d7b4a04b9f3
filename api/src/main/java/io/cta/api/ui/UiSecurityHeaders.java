package io.cta.api.ui;

import io.cta.server.security.RequestPaths;
import io.cta.server.security.UiPaths;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * A strict Content-Security-Policy on the console's pages and files: scripts and styles only from
 * this origin and never inline, so even text that slipped into markup could not run (docs/ui.md,
 * "Safety"). Images also from {@code blob:} (screenshots fetched with the token); connections to
 * this origin only, which covers the {@code /ws} socket.
 */
@Component
@Order(-200)
class UiSecurityHeaders implements WebFilter {

  static final String POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
          + "font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; "
          + "form-action 'self'; frame-ancestors 'none'; object-src 'none'";

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String raw = exchange.getRequest().getPath().pathWithinApplication().value();
    if (RequestPaths.violation(raw) == null && UiPaths.isUi(RequestPaths.routed(raw))) {
      HttpHeaders headers = exchange.getResponse().getHeaders();
      headers.set("Content-Security-Policy", POLICY);
      headers.set("X-Content-Type-Options", "nosniff");
      headers.set("Referrer-Policy", "no-referrer");
    }
    return chain.filter(exchange);
  }
}
