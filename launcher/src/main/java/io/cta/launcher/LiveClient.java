package io.cta.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A small client of CTA's WebSocket API ({@code /ws}, docs/api.md), for the demo, the end-to-end
 * tests and the benchmark. It connects the way a browser does: a ticket over REST, then the socket.
 */
public final class LiveClient implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A message and when it arrived (epoch ms). */
  public record Received(JsonNode message, long at) {
    public String type() {
      return message.path("type").asText();
    }
  }

  private final BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
  private final WebSocket socket;

  private LiveClient(String wsUrl) {
    this.socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .buildAsync(URI.create(wsUrl), new Listener())
            .join();
  }

  /** Opens {@code /ws} with a ticket obtained through {@code rest}. */
  public static LiveClient connect(CtaClient rest) {
    String ticket = rest.post("/api/v1/ws/tickets", null).expect(201).body().get("ticket").asText();
    return new LiveClient(rest.base().replaceFirst("^http", "ws") + "/ws?ticket=" + ticket);
  }

  /** Subscribes; with {@code since}, first receives what the feed retained after it. */
  public void subscribe(String topic, Long since) {
    String message =
        since == null
            ? "{\"type\":\"subscribe\",\"topic\":\"" + topic + "\"}"
            : "{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"since\":" + since + "}";
    socket.sendText(message, true).join();
  }

  /** The next message, or null when none arrives within {@code timeout}. */
  public Received next(Duration timeout) {
    try {
      return inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The first message matching {@code wanted}, skipping others; fails after {@code timeout}. */
  public Received await(Predicate<JsonNode> wanted, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Received received = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (received == null) {
        throw new IllegalStateException("no matching WebSocket message within " + timeout);
      }
      if (wanted.test(received.message())) {
        return received;
      }
    }
  }

  @Override
  public void close() {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null).join();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          inbox.add(new Received(JSON.readTree(partial.toString()), System.currentTimeMillis()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }
  }
}
