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

  /** Bodies over this many bytes get 413, as from a consumer with a smaller body limit. */
  private volatile long bodyLimit = Long.MAX_VALUE;

  private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
  private final List<Long> bodySizes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startConsumer() throws IOException {
    consumer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    consumer.createContext(
        "/agent/v1/events",
        exchange -> {
          byte[] request = exchange.getRequestBody().readAllBytes();
          bodySizes.add((long) request.length);
          EventBatch batch = ConsumerClient.JSON.readValue(request, EventBatch.class);
          int status;
          String answer;
          if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            status = 503;
            answer = "{}";
          } else if (request.length > bodyLimit) {
            status = 413;
            answer = "{\"detail\":\"request body: larger than the limit\"}";
          } else if (batch.events().stream().anyMatch(e -> e.key().contains("poison"))) {
            status = 400;
            answer = "{\"detail\":\"events[0].state: required\"}";
          } else {
            batchSizes.add(batch.events().size());
            List<String> refused = new ArrayList<>();
            int accepted = 0;
            for (AgentEvent e : batch.events()) {
              if (e.executionId().startsWith("gone")) {
                if (!refused.contains(e.executionId())) {
                  refused.add(e.executionId());
                }
              } else {
                delivered.add(e.key());
                accepted++;
              }
            }
            status = 200;
            answer =
                "{\"accepted\":"
                    + accepted
                    + ",\"refused\":["
                    + String.join(
                        ",",
                        refused.stream()
                            .map(
                                id ->
                                    "{\"executionId\":\""
                                        + id
                                        + "\",\"status\":404,\"detail\":\"execution '"
                                        + id
                                        + "' does not exist\",\"events\":1}")
                            .toList())
                    + "]}";
          }
          byte[] body = answer.getBytes(StandardCharsets.UTF_8);
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

  private static AgentEvent log(String key, String executionId, int chars) {
    return AgentEvent.log(key, executionId, "t", 1, "run", "stdout", 1, "x".repeat(chars), 3);
  }

  @Test
  void givenEventsOfSeveralKilobytes_whenDelivered_thenNoBatchPassesTheByteLimit()
      throws Exception {
    List<String> sent = new ArrayList<>();
    try (EventSender sender =
        new EventSender(client(), "m1", new EventBuffer(dir, 1 << 24, 1 << 20), 64 * 1024)) {
      for (int n = 0; n < 40; n++) {
        sent.add("l" + n);
        sender.send(log("l" + n, "e1", 10_000));
      }
      assertTrue(sender.flush(30_000));
    }
    assertEquals(sent, distinctDelivered());
    assertTrue(bodySizes.stream().allMatch(size -> size <= 64 * 1024), bodySizes.toString());
    assertTrue(batchSizes.size() >= 7, "400 KB in batches of at most 64 KB: " + batchSizes);
  }

  @Test
  void givenAConsumerWithASmallerBodyLimit_whenItAnswers413_thenTheBatchIsSplitAndAllArrive()
      throws Exception {
    bodyLimit = 12_000; // about one event of 10,000 characters
    List<String> sent = new ArrayList<>();
    try (EventBuffer buffer = new EventBuffer(dir, 1 << 24, 1 << 20)) {
      for (int n = 0; n < 9; n++) {
        sent.add("l" + n);
        buffer.append(log("l" + n, "e1", 10_000));
      }
    }
    try (EventSender sender =
        new EventSender(client(), "m1", new EventBuffer(dir, 1 << 24, 1 << 20), 1 << 20)) {
      assertTrue(sender.flush(30_000));
    }
    assertEquals(sent, distinctDelivered(), "every event, in order");
    assertEquals(List.of(1, 1, 1, 1, 1, 1, 1, 1, 1), batchSizes);
  }

  @Test
  void givenOneMalformedEventInABatch_whenRefusedWith400_thenOnlyItIsDropped() throws Exception {
    try (EventBuffer buffer = new EventBuffer(dir, 1 << 20, 4096)) {
      for (int n = 0; n < 7; n++) {
        buffer.append(result(n == 4 ? "poison" : "r" + n));
      }
    }
    try (EventSender sender =
        new EventSender(client(), "m1", new EventBuffer(dir, 1 << 20, 4096))) {
      assertTrue(sender.flush(30_000));
    }
    assertEquals(List.of("r0", "r1", "r2", "r3", "r5", "r6"), distinctDelivered());
  }

  @Test
  void givenAnExecutionTheConsumerRefuses_whenDelivered_thenOnlyItsEventsAreDropped()
      throws Exception {
    try (EventSender sender =
        new EventSender(client(), "m1", new EventBuffer(dir, 1 << 20, 4096))) {
      sender.send(log("mine-1", "e1", 10));
      sender.send(log("theirs-1", "gone-1", 10));
      sender.send(log("mine-2", "e1", 10));
      assertTrue(sender.flush(30_000), "a refusal is an answer: nothing is retried");
      sender.send(log("mine-3", "e1", 10));
      assertTrue(sender.flush(30_000));
    }
    assertEquals(List.of("mine-1", "mine-2", "mine-3"), distinctDelivered());
  }

  @Test
  void givenOneEventLargerThanABatch_whenDelivered_thenItIsSentCutToTheConsumersCaps()
      throws Exception {
    try (EventSender sender =
        new EventSender(client(), "m1", new EventBuffer(dir, 1 << 24, 1 << 20), 100 * 1024)) {
      sender.send(log("huge", "e1", 1_000_000));
      sender.send(log("after", "e1", 10));
      assertTrue(sender.flush(30_000));
    }
    assertEquals(List.of("huge", "after"), distinctDelivered());
    assertTrue(bodySizes.stream().allMatch(size -> size <= 100 * 1024), bodySizes.toString());
  }
}
