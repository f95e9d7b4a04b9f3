package io.cta.agent;

import io.cta.activities.events.AgentEvent;
import io.cta.activities.events.BatchAck;
import io.cta.activities.events.EventBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the consumer in order, in batches, retrying while it is unreachable. Every
 * event carries an idempotency key, so re-sending a batch whose answer was lost is harmless.
 */
public class EventSender implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EventSender.class);
  private static final int BATCH = 500;
  private static final long BATCH_CHARS = 2 * 1024 * 1024;

  private final ConsumerClient client;
  private final String machine;
  private final LinkedBlockingDeque<AgentEvent> queue = new LinkedBlockingDeque<>();
  private final Object delivered = new Object();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile int inFlight;

  public EventSender(ConsumerClient client, String machine) {
    this.client = client;
    this.machine = machine;
    this.thread = new Thread(this::deliverLoop, "cta-events");
    thread.setDaemon(true);
    thread.start();
  }

  public void send(AgentEvent event) {
    queue.addLast(event);
  }

  /** Waits until everything sent so far is delivered, or the timeout passes; true if delivered. */
  public boolean flush(long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    synchronized (delivered) {
      while (!queue.isEmpty() || inFlight > 0) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return false;
        }
        delivered.wait(Math.min(left, 100));
      }
    }
    return true;
  }

  private void deliverLoop() {
    long backoff = 200;
    List<AgentEvent> batch = new ArrayList<>();
    while (running || !queue.isEmpty()) {
      try {
        if (batch.isEmpty()) {
          AgentEvent first = queue.pollFirst(200, TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          inFlight = 1;
          batch.add(first);
          fillBatch(batch);
          inFlight = batch.size();
        }
        try {
          client.post("agent/v1/events", new EventBatch(machine, batch), BatchAck.class);
          batch.clear();
          backoff = 200;
        } catch (ConsumerClient.ConsumerException refused) {
          if (refused.isPermanent()) {
            // A batch the consumer will never take must not block every later event.
            log.error(
                "consumer refused {} events, dropping them: {}",
                batch.size(),
                refused.getMessage());
            batch.clear();
          } else {
            throw refused;
          }
        }
        inFlight = 0;
        synchronized (delivered) {
          delivered.notifyAll();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception unreachable) {
        log.warn(
            "cannot deliver {} events yet ({}); retrying in {} ms",
            batch.size(),
            unreachable.getMessage(),
            backoff);
        sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  /** Adds queued events up to the batch's count and size limits (the consumer's body limit). */
  private void fillBatch(List<AgentEvent> batch) {
    long chars = 0;
    while (batch.size() < BATCH && chars < BATCH_CHARS) {
      AgentEvent next = queue.pollFirst();
      if (next == null) {
        return;
      }
      batch.add(next);
      chars += next.text() == null ? 0 : next.text().length();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws InterruptedException {
    flush(5000);
    running = false;
    thread.join(1000);
  }
}
