package io.cta.cli.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * A subscription to one topic of the WebSocket API (docs/api.md "Live updates"). Its messages are
 * only notices that something changed: the caller reads the record over REST, as the docs ask. The
 * connection is opened with a one-time ticket, so the token never appears in a URL.
 */
public final class LiveFeed implements AutoCloseable {

  private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);

  private final WebSocket socket;
  private volatile boolean open = true;

  private LiveFeed(WebSocket socket) {
    this.socket = socket;
  }

  /**
   * Subscribes to {@code topic}, putting each message (and a final {@code null} marker's stand-in,
   * the string "closed") on {@code notices}. Answers null when the server refuses the ticket or the
   * handshake, or does not confirm the subscription: the caller then polls.
   */
  public static LiveFeed open(
      ApiClient api,
      String topic,
      BlockingQueue<String> notices,
      java.util.function.Consumer<String> refused) {
    try {
      JsonNode ticket = api.post("/api/v1/ws/tickets", null);
      String server = api.connection().server().toString();
      String ws =
          server.replaceFirst("^http", "ws") + "/ws?ticket=" + ticket.get("ticket").asString();
      CountDownLatch subscribed = new CountDownLatch(1);
      LiveFeed[] self = new LiveFeed[1];
      WebSocket.Listener listener =
          new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
              text.append(data);
              if (last) {
                String message = text.toString();
                text.setLength(0);
                if (message.contains("\"subscribed\"")) {
                  subscribed.countDown();
                }
                notices.offer(message);
              }
              webSocket.request(1);
              return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int status, String reason) {
              closed();
              return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
              closed();
            }

            private void closed() {
              if (self[0] != null) {
                self[0].open = false;
              }
              notices.offer("closed");
            }
          };
      WebSocket socket =
          HttpClient.newBuilder()
              .connectTimeout(OPEN_TIMEOUT)
              .build()
              .newWebSocketBuilder()
              .connectTimeout(OPEN_TIMEOUT)
              .buildAsync(URI.create(ws), listener)
              .get(OPEN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      LiveFeed feed = new LiveFeed(socket);
      self[0] = feed;
      socket.sendText(
          ApiClient.JSON.writeValueAsString(Map.of("type", "subscribe", "topic", topic)), true);
      if (!subscribed.await(OPEN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        feed.close();
        refused.accept("the subscription was not confirmed");
        return null;
      }
      return feed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (Exception e) {
      // Refused (401/403/429), unsupported by a proxy, or unreachable: REST polling still works.
      refused.accept(e.getMessage() != null ? e.getMessage() : e.toString());
      return null;
    }
  }

  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
    socket.abort();
  }
}
