package io.cta.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;

/** The filter's answers to failing and valid tokens, with the throttle on a test clock. */
class BearerTokenFilterTest {

  private static final String VALID = "cta_" + "v".repeat(43);
  private static final InetSocketAddress ATTACKER = new InetSocketAddress("198.51.100.7", 50000);

  private final List<String> lookups = new ArrayList<>();
  private final AuthThrottleTest.MutableClock clock = new AuthThrottleTest.MutableClock();
  private final BearerTokenFilter filter =
      new BearerTokenFilter(
          new TokenStore(null) {
            @Override
            public Mono<CtaPrincipal> authenticate(String secret) {
              lookups.add(secret);
              return secret.equals(VALID)
                  ? Mono.just(new CtaPrincipal("t1", "ci", Role.operator, null))
                  : Mono.empty();
            }
          },
          new TicketStore(null),
          (method, path, role) -> AccessPolicy.Decision.ALLOW,
          new AuthThrottle(new AuthThrottleProperties(Duration.ofMinutes(1), 5, 3, 1000), clock));

  private MockServerWebExchange call(InetSocketAddress from, String token) {
    MockServerHttpRequest.BaseBuilder<?> request =
        MockServerHttpRequest.get("/api/v1/executions").remoteAddress(from);
    if (token != null) {
      request.header(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    }
    MockServerWebExchange exchange = MockServerWebExchange.from(request);
    filter.filter(exchange, served -> Mono.empty()).block();
    return exchange;
  }

  private static int status(MockServerWebExchange exchange) {
    return exchange.getResponse().getStatusCode() == null
        ? 200
        : exchange.getResponse().getStatusCode().value();
  }

  @Test
  void
      givenGuessesFromOneAddress_whenOverTheBudget_thenTheyGet429WithRetryAfterButAValidTokenPasses() {
    for (int i = 0; i < 5; i++) {
      assertEquals(401, status(call(ATTACKER, "guess-" + i)), "guess " + i);
    }
    clock.advance(Duration.ofSeconds(20));

    MockServerWebExchange throttled = call(ATTACKER, "guess-5");
    MockServerWebExchange valid = call(ATTACKER, VALID);

    assertEquals(429, status(throttled));
    assertEquals("40", throttled.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER));
    assertEquals(
        "application/problem+json",
        throttled.getResponse().getHeaders().getContentType().toString());
    assertEquals(200, status(valid), "a valid token is never throttled, whatever its address did");
    assertNull(valid.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER));
    assertEquals(
        401,
        status(call(new InetSocketAddress("198.51.100.8", 1), "guess-6")),
        "another address still gets a 401");
    clock.advance(Duration.ofSeconds(40));
    assertEquals(401, status(call(ATTACKER, "guess-7")), "the next window");
  }

  @Test
  void
      givenOneWrongTokenRetriedFromManyAddresses_whenOverItsBudget_thenItIsRefusedWithoutALookup() {
    for (int i = 0; i < 3; i++) {
      assertEquals(401, status(call(new InetSocketAddress("203.0.113." + i, 1), "revoked")));
    }
    lookups.clear();

    MockServerWebExchange refused = call(new InetSocketAddress("203.0.113.99", 1), "revoked");

    assertEquals(429, status(refused));
    assertEquals("60", refused.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER));
    assertEquals(List.of(), lookups, "no token lookup for a secret over its budget");
  }

  @Test
  void givenRequestsWithoutAToken_whenMany_thenTheyStay401AndDoNotCount() {
    for (int i = 0; i < 20; i++) {
      assertEquals(401, status(call(ATTACKER, null)));
    }

    assertEquals(401, status(call(ATTACKER, "first-guess")));
    assertFalse(lookups.isEmpty());
  }
}
