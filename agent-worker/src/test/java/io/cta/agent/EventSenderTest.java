package io.cta.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.cta.activities.events.AgentEvent;
import io.cta.activities.events.EventBatch;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sender against a fake consumer that is down, refuses a batch, or takes everything. */
class EventSenderTest {

  @TempDir Path dir;

  private HttpServer consumer;
  private final List<String> delivered = new CopyOnWriteArrayList<>();
  private final AtomicInteger unavailable = new AtomicInteger();

  @BeforeEach
  void startConsumer() throws IOException {
    consumer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    consumer.createContext(
        "/agent/v1/events",
        exchange -> {
          EventBatch batch =
              ConsumerClient.JSON.readValue(exchange.getRequestBody(), EventBatch.class);
          int status;
          if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            status = 503;
          } else if (batch.events().stream().anyMatch(e -> e.key().contains("poison"))) {
            status = 400;
          } else {
            batch.events().forEach(e -> delivered.add(e.key()));
            status = 200;
          }
          byte[] body =
              ("{\"accepted\":" + (status == 200 ? batch.events().size() : 0) + "}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    consumer.start();
  }

  @AfterEach
  void stopConsumer() {
    consumer.stop(0);
  }

  private ConsumerClient client() {
    return new ConsumerClient("http://127.0.0.1:" + consumer.getAddress().getPort(), "token");
  }

  private static AgentEvent result(String key) {
    return AgentEvent.result(key, "e1", "t", 1, key, "ok", "passed", 1, 2);
  }

  /** The keys delivered, a redelivered one counted once (as the consumer reads them back). */
  private List<String> distinctDelivered() {
    return new ArrayList<>(new LinkedHashSet<>(delivered));
  }

  @Test
  void givenAConsumerThatIsDownAtFirst_whenItComesBack_thenEveryEventArrivesInOrder()
      throws Exception {
    unavailable.set(3);
    List<String> sent = new ArrayList<>();
    try (EventSender sender =
        new EventSender(client(), "m1", new EventBuffer(dir, 1 << 20, 4096))) {
      for (int n = 0; n < 50; n++) {
        sent.add("r" + n);
        sender.send(result("r" + n));
      }

      assertTrue(sender.flush(30_000), "delivered once the consumer answers");
    }
    assertEquals(0, unavailable.get(), "the 503s were retried");
    assertEquals(sent, distinctDelivered());
  }

  @Test
  void givenABatchTheConsumerRefuses_whenDelivering_thenItIsDroppedAndLaterEventsStillArrive()
      throws Exception {
    try (EventBuffer buffer = new EventBuffer(dir, 1 << 20, 4096)) {
      buffer.append(result("poison"));
    }
    try (EventSender sender =
        new EventSender(client(), "m1", new EventBuffer(dir, 1 << 20, 4096))) {
      assertTrue(sender.flush(30_000));
      sender.send(result("after"));
      assertTrue(sender.flush(30_000));
    }
    assertEquals(List.of("after"), distinctDelivered());
  }

  @Test
  void givenEventsLeftFromBeforeARestart_whenTheSenderStarts_thenTheyGoFirst() throws Exception {
    try (EventBuffer buffer = new EventBuffer(dir, 1 << 20, 4096)) {
      buffer.append(result("old-1"));
      buffer.append(result("old-2"));
    }
    try (EventSender sender =
        new EventSender(client(), "m1", new EventBuffer(dir, 1 << 20, 4096))) {
      sender.send(result("new-1"));
      assertTrue(sender.flush(30_000));
    }
    assertEquals(List.of("old-1", "old-2", "new-1"), distinctDelivered());
  }
}
