package io.cta.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the api on a loopback port: each {@code METHOD /path?query} answers the next of
 * its queued answers (the last one repeats), and every request is recorded.
 */
final class FakeApi implements AutoCloseable {

  record Answer(int status, String body, Map<String, String> headers) {}

  record Request(
      String method, String uri, String authorization, String body, String idempotencyKey) {}

  private final HttpServer server;
  private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();
  final List<Request> requests = new CopyOnWriteArrayList<>();

  FakeApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String key = exchange.getRequestMethod() + " " + exchange.getRequestURI();
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          requests.add(
              new Request(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().toString(),
                  exchange.getRequestHeaders().getFirst("Authorization"),
                  body,
                  exchange.getRequestHeaders().getFirst("Idempotency-Key")));
          Deque<Answer> queue = answers.get(key);
          Answer answer;
          if (queue == null) {
            answer =
                new Answer(
                    404,
                    "{\"status\":404,\"title\":\"Not Found\",\"detail\":\"no such thing: "
                        + key
                        + "\"}",
                    Map.of());
          } else {
            synchronized (queue) {
              answer = queue.size() > 1 ? queue.poll() : queue.peek();
            }
          }
          byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
          answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
          exchange
              .getResponseHeaders()
              .add(
                  "Content-Type",
                  answer.status() >= 400 ? "application/problem+json" : "application/json");
          exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
          if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
          }
          exchange.close();
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Queues answers for {@code METHOD /path?query}. */
  FakeApi on(String methodAndUri, int status, String... bodies) {
    Deque<Answer> queue = answers.computeIfAbsent(methodAndUri, k -> new ArrayDeque<>());
    for (String body : bodies) {
      queue.add(new Answer(status, body, Map.of()));
    }
    return this;
  }

  long count(String method, String uriPrefix) {
    return requests.stream()
        .filter(r -> r.method().equals(method) && r.uri().startsWith(uriPrefix))
        .count();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
