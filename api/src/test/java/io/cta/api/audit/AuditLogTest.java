package io.cta.api.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cta.server.audit.AuditStore;
import io.cta.server.audit.AuditStore.AuditEntry;
import io.cta.server.security.CtaPrincipal;
import io.cta.server.security.Role;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

class AuditLogTest {

  private final List<AuditEntry> written = new CopyOnWriteArrayList<>();
  private final AuditLog filter =
      new AuditLog(
          new AuditStore(null) {
            @Override
            public Mono<Void> append(List<AuditEntry> entries) {
              written.addAll(entries);
              return Mono.empty();
            }
          });

  private static MockServerWebExchange change() {
    MockServerWebExchange exchange =
        MockServerWebExchange.from(MockServerHttpRequest.post("/api/v1/scenarios/s1/run"));
    // What the bearer token filter leaves on an authenticated exchange.
    exchange
        .getAttributes()
        .put(CtaPrincipal.class.getName(), new CtaPrincipal("t1", "ci", Role.operator, null));
    return exchange;
  }

  @Test
  void givenAClientThatHangsUpDuringAChange_whenTheHandlerIsCanceled_thenTheEntryIsWrittenOnce() {
    MockServerWebExchange exchange = change();

    Disposable request = filter.filter(exchange, ignored -> Mono.never()).subscribe();
    request.dispose();
    request.dispose();

    assertEquals(1, written.size(), written.toString());
    AuditEntry entry = written.get(0);
    assertEquals(499, entry.status());
    assertEquals("ci", entry.by());
    assertEquals("scenarios", entry.resource());
    assertEquals("s1", entry.resourceId());
  }

  @Test
  void givenAChangeAnswered_whenItCompletes_thenOneEntryWithTheStatus() {
    MockServerWebExchange exchange = change();

    filter
        .filter(
            exchange,
            ex -> {
              ex.getResponse().setStatusCode(HttpStatus.CREATED);
              return Mono.empty();
            })
        .block();

    assertEquals(1, written.size(), written.toString());
    assertEquals(201, written.get(0).status());
  }
}
