package io.cta.agent.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.agent.ConsumerClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Resolving a test's secrets against a fake source, and against a fake consumer over HTTP. */
class SecretResolverTest {

  private final List<SecretSource.Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger heartbeats = new AtomicInteger();

  private SecretResolver resolver(SecretSource source) {
    return new SecretResolver(
        request -> {
          requests.add(request);
          return source.fetch(request);
        },
        Duration.ofMillis(10),
        Duration.ofMillis(40));
  }

  private Secrets resolve(SecretSource source, String... names) throws Exception {
    return resolver(source).resolve("e1", "t1", 2, Set.of(names), heartbeats::incrementAndGet);
  }

  @Test
  void givenEverySecretExists_whenResolved_thenOneFetchBoundToTheAttemptGivesTheValues()
      throws Exception {
    Secrets secrets =
        resolve(
            request -> new SecretSource.Answer(Map.of("A", "va", "B", "vb", "X", "x"), List.of()),
            "A",
            "B");

    assertEquals(Map.of("A", "va", "B", "vb"), secrets.values());
    assertEquals(1, requests.size());
    SecretSource.Request request = requests.get(0);
    assertEquals("e1", request.executionId());
    assertEquals("t1", request.testId());
    assertEquals(2, request.attempt());
    assertEquals(Set.of("A", "B"), Set.copyOf(request.names()));
    assertEquals("x *** ***", secrets.masker().mask("x va vb"));
    assertFalse(secrets.toString().contains("va"), "toString names, never values");
  }

  @Test
  void givenNoReference_whenResolved_thenNothingIsFetched() throws Exception {
    assertSame(Secrets.NONE, resolve(request -> null));
    assertTrue(requests.isEmpty());
  }

  @Test
  void givenASecretThatVanished_whenResolved_thenUnavailableNamingIt() {
    SecretResolver.Unavailable gone =
        assertThrows(
            SecretResolver.Unavailable.class,
            () ->
                resolve(
                    request -> new SecretSource.Answer(Map.of("A", "va"), List.of("DB_PASSWORD")),
                    "A",
                    "DB_PASSWORD"));

    assertEquals("secret 'DB_PASSWORD' no longer exists", gone.getMessage());
  }

  @Test
  void givenAnAnswerThatLeavesANameOut_whenResolved_thenItCountsAsMissing() {
    SecretResolver.Unavailable gone =
        assertThrows(
            SecretResolver.Unavailable.class,
            () -> resolve(request -> new SecretSource.Answer(Map.of(), null), "A", "B"));

    assertEquals("secrets 'A', 'B' no longer exist", gone.getMessage());
  }

  @Test
  void givenAConsumerThatIsUnreachableAtFirst_whenResolved_thenItRetriesHeartbeatingMeanwhile()
      throws Exception {
    AtomicInteger down = new AtomicInteger(3);
    Secrets secrets =
        resolve(
            request -> {
              if (down.getAndDecrement() > 0) {
                throw new ConnectException("connection refused");
              }
              return new SecretSource.Answer(Map.of("A", "va"), List.of());
            },
            "A");

    assertEquals(Map.of("A", "va"), secrets.values());
    assertEquals(4, requests.size());
    assertTrue(heartbeats.get() >= 4, "heartbeats while waiting: " + heartbeats.get());
  }

  @Test
  void givenAConsumerThatIsSlowToAnswer_whenResolved_thenTheTestKeepsHeartbeatingMeanwhile()
      throws Exception {
    Secrets secrets =
        resolve(
            request -> {
              try {
                Thread.sleep(1500);
              } catch (InterruptedException e) {
                throw new IOException(e);
              }
              return new SecretSource.Answer(Map.of("A", "va"), List.of());
            },
            "A");

    assertEquals(Map.of("A", "va"), secrets.values());
    assertTrue(heartbeats.get() >= 5, "heartbeats during a 1.5 s fetch: " + heartbeats.get());
  }

  @Test
  void givenACancelWhileWaitingForTheConsumer_whenResolving_thenTheHeartbeatsExceptionEndsIt() {
    SecretResolver resolver =
        resolver(
            request -> {
              throw new ConnectException("connection refused");
            });
    AtomicInteger beats = new AtomicInteger();

    IllegalStateException canceled =
        assertThrows(
            IllegalStateException.class,
            () ->
                resolver.resolve(
                    "e1",
                    "t1",
                    1,
                    Set.of("A"),
                    () -> {
                      if (beats.incrementAndGet() > 3) {
                        throw new IllegalStateException("canceled");
                      }
                    }));
    assertEquals("canceled", canceled.getMessage());
  }

  @Test
  void givenAConsumerThatRefusesTheFetch_whenResolved_thenUnavailableWithItsReason()
      throws Exception {
    com.sun.net.httpserver.HttpServer consumer =
        com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    consumer.createContext(
        "/agent/v1/secrets",
        exchange -> {
          byte[] body =
              "{\"status\":403,\"detail\":\"machine 'lab-01' does not run test 't1' of e1\"}"
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
          exchange.sendResponseHeaders(403, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    consumer.start();
    try {
      SecretSource source =
          new ConsumerSecretSource(
              new ConsumerClient(
                  "http://127.0.0.1:" + consumer.getAddress().getPort(), "agent-token"),
              "m1");

      SecretResolver.Unavailable refused =
          assertThrows(SecretResolver.Unavailable.class, () -> resolve(source, "A"));

      assertEquals(
          "secret 'A' could not be fetched: machine 'lab-01' does not run test 't1' of e1",
          refused.getMessage());
      assertEquals(1, requests.size(), "a refusal is not retried");
    } finally {
      consumer.stop(0);
    }
  }

  @Test
  void givenTheConsumersAnswer_whenReadOverHttp_thenValuesAndMissingAreParsed() throws Exception {
    com.sun.net.httpserver.HttpServer consumer =
        com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    List<String> bodies = new CopyOnWriteArrayList<>();
    List<String> tokens = new CopyOnWriteArrayList<>();
    consumer.createContext(
        "/agent/v1/secrets",
        exchange -> {
          bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          tokens.add(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body =
              "{\"values\":{\"A\":\"va\"},\"missing\":[\"B\"]}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    consumer.start();
    try {
      SecretSource source =
          new ConsumerSecretSource(
              new ConsumerClient(
                  "http://127.0.0.1:" + consumer.getAddress().getPort(), "agent-token"),
              "m1");

      SecretSource.Answer answer =
          source.fetch(new SecretSource.Request("e1", "t1", 3, List.of("A", "B")));

      assertEquals(Map.of("A", "va"), answer.values());
      assertEquals(List.of("B"), answer.missing());
      assertEquals(
          "{\"executionId\":\"e1\",\"testId\":\"t1\",\"attempt\":3,\"names\":[\"A\",\"B\"],"
              + "\"machine\":\"m1\"}",
          bodies.get(0));
      assertEquals("Bearer agent-token", tokens.get(0));
    } catch (IOException e) {
      throw new AssertionError(e);
    } finally {
      consumer.stop(0);
    }
  }
}
