package io.cta.api.live;

import io.cta.server.error.TooManyRequestsException;
import io.cta.server.security.CtaPrincipal;
import io.cta.server.security.TicketStore;
import java.time.Instant;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Tickets for the WebSocket handshake of browsers (docs/api.md, "WebSocket"). */
@RestController
public class LiveController {

  public static final String TICKETS = "/api/v1/ws/tickets";

  private final TicketStore tickets;
  private final LiveHub hub;

  LiveController(TicketStore tickets, LiveHub hub) {
    this.tickets = tickets;
    this.hub = hub;
  }

  /** A single-use ticket valid for 30 s: open {@code /ws?ticket=<ticket>} with it. */
  @PostMapping(TICKETS)
  @ResponseStatus(HttpStatus.CREATED)
  Mono<Map<String, Object>> ticket(ServerWebExchange exchange) {
    CtaPrincipal caller = CtaPrincipal.of(exchange);
    // A ticket for a session the handshake would refuse is refused now (the handshake checks too).
    String refusal = hub.refusal(caller.tokenId());
    if (refusal != null) {
      throw new TooManyRequestsException(refusal);
    }
    return tickets
        .issue(caller, Instant.now())
        .map(
            issued ->
                Map.of(
                    "ticket",
                    issued.ticket(),
                    "expiresAt",
                    issued.expiresAt().toString(),
                    "url",
                    "/ws?ticket=" + issued.ticket()));
  }
}
