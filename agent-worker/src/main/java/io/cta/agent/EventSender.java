package io.cta.agent;

import io.cta.activities.events.AgentEvent;
import io.cta.activities.events.BatchAck;
import io.cta.activities.events.EventBatch;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the consumer in order, in batches, from the agent's {@link EventBuffer} on
 * disk, retrying while the consumer is unreachable. Every event carries an idempotency key, so
 * re-sending a batch whose answer was lost (or that was sent before a restart) is harmless.
 */
public class EventSender implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EventSender.class);
  private static final int BATCH = 500;
  private static final long BATCH_CHARS = 2 * 1024 * 1024;

  private final ConsumerClient client;
  private final String machine;
  private final EventBuffer buffer;
  private final Thread thread;
  private volatile boolean running = true;

  /** Starts delivering, first what the buffer kept from before a restart. */
  public EventSender(ConsumerClient client, String machine, EventBuffer buffer) {
    this.client = client;
    this.machine = machine;
    this.buffer = buffer;
    this.thread = new Thread(this::deliverLoop, "cta-events");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues an event; it is dropped (and logged) only when the buffer is full or unwritable. */
  public void send(AgentEvent event) {
    try {
      buffer.append(event);
    } catch (IOException e) {
      log.error("cannot buffer event {}, dropping it: {}", event.key(), e.toString());
    }
  }

  /**
   * Forces what was sent so far to disk, then waits until it is delivered or the timeout passes;
   * true if delivered. Called before a test's end goes to the workflow, so the workflow never
   * counts on results that a machine crash could still lose.
   */
  public boolean flush(long timeoutMillis) throws InterruptedException {
    try {
      buffer.sync();
    } catch (IOException e) {
      log.error("cannot force buffered events to disk: {}", e.toString());
    }
    return buffer.awaitDelivered(timeoutMillis);
  }

  private void deliverLoop() {
    long backoff = 200;
    EventBuffer.Batch batch = null;
    while (running) {
      try {
        if (batch == null) {
          if (!buffer.awaitEvents(200)) {
            continue;
          }
          batch = buffer.peek(BATCH, BATCH_CHARS);
        }
        try {
          if (!batch.events().isEmpty()) {
            client.post("agent/v1/events", new EventBatch(machine, batch.events()), BatchAck.class);
          }
        } catch (ConsumerClient.ConsumerException refused) {
          if (!refused.isBatchFault()) {
            throw refused;
          }
          // A batch the consumer will never take must not block every later event.
          log.error(
              "consumer refused {} events, dropping them: {}",
              batch.events().size(),
              refused.getMessage());
        }
        buffer.ack(batch.end());
        batch = null;
        backoff = 200;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception unreachable) {
        log.warn(
            "cannot deliver {} events yet ({}, {} bytes buffered); retrying in {} ms",
            batch == null ? 0 : batch.events().size(),
            unreachable.toString(),
            buffer.pendingBytes(),
            backoff);
        sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Delivers for up to 5 s more, then stops; what is left stays buffered for the next start. */
  @Override
  public void close() throws InterruptedException, IOException {
    flush(5000);
    running = false;
    thread.join(6000);
    buffer.close();
  }
}
