package io.cta.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.activities.events.AgentEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventBufferTest {

  private static final long SEGMENT = 1024;

  @TempDir Path dir;

  private static AgentEvent result(int n) {
    return AgentEvent.result("result/e1/t" + n, "e1", "t" + n, 1, "", "ok", "passed", 1, 2);
  }

  private static AgentEvent log(int n, String text) {
    return AgentEvent.log("log/e1/t/m/1/" + n, "e1", "t", 1, "run", "stdout", n, text, 3);
  }

  private EventBuffer open(long maxBytes) throws IOException {
    return new EventBuffer(dir, maxBytes, SEGMENT);
  }

  private static List<String> keys(EventBuffer.Batch batch) {
    return batch.events().stream().map(AgentEvent::key).toList();
  }

  private static List<String> resultKeys(int from, int to) {
    List<String> keys = new ArrayList<>();
    for (int n = from; n <= to; n++) {
      keys.add("result/e1/t" + n);
    }
    return keys;
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".seg")).sorted().toList();
    }
  }

  @Test
  void givenEventsOverManySegments_whenPeekedAndAcked_thenTheyComeInOrderAndDeliveredSegmentsGo()
      throws IOException {
    try (EventBuffer buffer = open(1 << 20)) {
      for (int n = 1; n <= 100; n++) {
        assertTrue(buffer.append(result(n)));
      }
      assertTrue(segments().size() > 5, "small segments roll: " + segments());

      EventBuffer.Batch first = buffer.peek(40, Long.MAX_VALUE);
      assertEquals(resultKeys(1, 40), keys(first));
      assertEquals(resultKeys(1, 40), keys(buffer.peek(40, Long.MAX_VALUE)), "peek is repeatable");
      buffer.ack(first.end());
      EventBuffer.Batch rest = buffer.peek(500, Long.MAX_VALUE);
      assertEquals(resultKeys(41, 100), keys(rest));
      buffer.ack(rest.end());

      assertEquals(0, buffer.pendingBytes());
      assertEquals(1, segments().size(), "only the segment being written is left");
      assertTrue(buffer.peek(500, Long.MAX_VALUE).events().isEmpty());
    }
  }

  @Test
  void givenEvents_whenPeeked_thenABatchHoldsAtMostTheLimitOfSerializedBytesAndAtLeastOneEvent()
      throws IOException {
    try (EventBuffer buffer = open(1 << 20)) {
      for (int n = 1; n <= 5; n++) {
        buffer.append(log(n, "\"".repeat(100))); // escaped on the wire: 200 bytes of text
      }
      long one = ConsumerClient.JSON.writeValueAsBytes(log(1, "\"".repeat(100))).length + 1;

      assertEquals(3, buffer.peek(500, 3 * one).events().size());
      assertEquals(2, buffer.peek(500, 3 * one - 1).events().size(), "the third would pass it");
      assertEquals(1, buffer.peek(500, 1).events().size(), "one event, however large");
      assertEquals("\"".repeat(100), buffer.peek(500, 1).events().get(0).text());
    }
  }

  @Test
  void givenUnacknowledgedEvents_whenTheAgentRestarts_thenTheyAreDeliveredFirstInOrder()
      throws IOException {
    try (EventBuffer buffer = open(1 << 20)) {
      for (int n = 1; n <= 30; n++) {
        buffer.append(result(n));
      }
      buffer.ack(buffer.peek(10, Long.MAX_VALUE).end());
    }

    try (EventBuffer buffer = open(1 << 20)) {
      for (int n = 31; n <= 35; n++) {
        buffer.append(result(n));
      }
      EventBuffer.Batch batch = buffer.peek(500, Long.MAX_VALUE);
      assertEquals(resultKeys(11, 35), keys(batch));
      buffer.ack(batch.end());
    }

    try (EventBuffer buffer = open(1 << 20)) {
      assertEquals(0, buffer.pendingBytes(), "acknowledged events are not sent again");
      assertTrue(buffer.peek(500, Long.MAX_VALUE).events().isEmpty());
    }
  }

  @Test
  void givenAFullBuffer_whenAppending_thenNewEventsAreDroppedUntilTheConsumerTakesSome()
      throws IOException {
    try (EventBuffer buffer = open(2000)) {
      int kept = 0;
      while (buffer.append(result(kept + 1))) {
        kept++;
      }
      assertTrue(kept > 5 && buffer.pendingBytes() <= 2000, kept + " events");
      assertFalse(buffer.append(result(999)), "still full");

      EventBuffer.Batch batch = buffer.peek(500, Long.MAX_VALUE);
      assertEquals(resultKeys(1, kept), keys(batch), "what was kept is whole and in order");
      buffer.ack(batch.end());
      assertTrue(buffer.append(result(kept + 1)), "room again");
      assertEquals(List.of("result/e1/t" + (kept + 1)), keys(buffer.peek(500, Long.MAX_VALUE)));
    }
  }

  @Test
  void givenAHalfWrittenLastRecord_whenTheAgentRestarts_thenItIsCutOffAndTheQueueGoesOn()
      throws IOException {
    try (EventBuffer buffer = open(1 << 20)) {
      for (int n = 1; n <= 3; n++) {
        buffer.append(result(n));
      }
    }
    Path last = segments().get(segments().size() - 1);
    long intact = Files.size(last);
    // A crash while appending: a length that promises more bytes than were written.
    Files.write(last, new byte[] {0, 0, 1, 0, 1, 2, 3, 4, '{', '"'}, StandardOpenOption.APPEND);

    try (EventBuffer buffer = open(1 << 20)) {
      assertEquals(intact, Files.size(last), "the torn record is cut off");
      buffer.append(result(4));
      assertEquals(resultKeys(1, 4), keys(buffer.peek(500, Long.MAX_VALUE)));
    }
    try (EventBuffer buffer = open(1 << 20)) {
      assertEquals(resultKeys(1, 4), keys(buffer.peek(500, Long.MAX_VALUE)));
    }
  }

  @Test
  void givenALastRecordWithDamagedBytes_whenTheAgentRestarts_thenOnlyThatRecordIsLost()
      throws IOException {
    try (EventBuffer buffer = open(1 << 20)) {
      for (int n = 1; n <= 3; n++) {
        buffer.append(result(n));
      }
    }
    Path last = segments().get(segments().size() - 1);
    byte[] bytes = Files.readAllBytes(last);
    bytes[bytes.length - 2] ^= 0x5a; // inside the third record's JSON: its CRC no longer matches
    Files.write(last, bytes);

    try (EventBuffer buffer = open(1 << 20)) {
      buffer.append(result(4));
      assertEquals(
          List.of("result/e1/t1", "result/e1/t2", "result/e1/t4"),
          keys(buffer.peek(500, Long.MAX_VALUE)));
    }
  }

  @Test
  void givenABufferInUse_whenASecondAgentOpensIt_thenItIsRefused() throws IOException {
    try (EventBuffer buffer = open(1 << 20)) {
      IOException refused = assertThrows(IOException.class, () -> open(1 << 20));
      assertTrue(refused.getMessage().contains("in use by another agent"), refused.getMessage());
    }
    open(1 << 20).close();
  }

  @Test
  void givenAnAppendedEvent_whenAwaitingDelivery_thenItWaitsForTheAck() throws Exception {
    try (EventBuffer buffer = open(1 << 20)) {
      assertTrue(buffer.awaitDelivered(0));
      buffer.append(result(1));
      assertTrue(buffer.awaitEvents(0));
      assertFalse(buffer.awaitDelivered(50));
      buffer.ack(buffer.peek(1, Long.MAX_VALUE).end());
      assertTrue(buffer.awaitDelivered(0));
      assertFalse(buffer.awaitEvents(0));
    }
  }

  @Test
  void givenAnAgentKilledWithoutClosing_whenItsFilesAreOpenedAgain_thenEveryAppendedEventIsThere(
      @TempDir Path copy) throws IOException {
    try (EventBuffer buffer = open(1 << 20)) {
      for (int n = 1; n <= 20; n++) {
        buffer.append(n % 2 == 0 ? result(n) : log(n, "line " + n));
      }
      buffer.ack(buffer.peek(5, Long.MAX_VALUE).end());
      // What a kill -9 leaves: the files as they are now, never closed nor synced by the agent.
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.filter(f -> !f.endsWith("lock")).toList()) {
          Files.copy(file, copy.resolve(file.getFileName()));
        }
      }
    }

    try (EventBuffer buffer = new EventBuffer(copy, 1 << 20, SEGMENT)) {
      List<String> keys = keys(buffer.peek(500, Long.MAX_VALUE));
      assertEquals(15, keys.size(), keys.toString());
      assertEquals("log/e1/t/m/1/7", keys.get(1));
      assertEquals("result/e1/t20", keys.get(14));
    }
  }
}
