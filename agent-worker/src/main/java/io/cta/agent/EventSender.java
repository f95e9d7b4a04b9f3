package io.cta.agent;

import io.cta.activities.events.AgentEvent;
import io.cta.activities.events.BatchAck;
import io.cta.activities.events.EventBatch;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the consumer in order, in batches, from the agent's {@link EventBuffer} on
 * disk, retrying while the consumer is unreachable. Every event carries an idempotency key, so
 * re-sending a batch whose answer was lost (or that was sent before a restart) is harmless.
 *
 * <p>A batch holds at most {@code batchMaxBytes} of serialized events, below the consumer's body
 * limit. A batch the consumer finds too large (413) or malformed (400) is split in halves, each
 * sent on its own, down to the single event at fault, which is dropped with an error logged: a
 * refused event never blocks the queue, nor costs its neighbours their delivery. Events of an
 * execution the consumer refuses in its answer (deleted, or not this machine's) are dropped, logged
 * once per execution (docs/agent.md, "How the agent delivers events").
 */
public class EventSender implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EventSender.class);
  private static final int BATCH = 500;
  private static final String EVENTS = "agent/v1/events";

  // The consumer's own caps (docs/agent.md, the event table): cutting an oversized event to them
  // loses nothing the consumer would have kept.
  private static final int MAX_TEXT = 64 * 1024;
  private static final int MAX_MESSAGE = 16 * 1024;
  private static final int MAX_CUSTOM = 32;
  private static final int MAX_CUSTOM_KEY = 100;
  private static final int MAX_CUSTOM_VALUE = 1024;
  private static final int MAX_FILES = 20;

  /** Executions whose refusal was logged, so a long test's refused log chunks log once. */
  private static final int REMEMBERED_REFUSALS = 1000;

  private final ConsumerClient client;
  private final String machine;
  private final EventBuffer buffer;
  private final long batchMaxBytes;
  private final Thread thread;
  private final Map<String, Boolean> refusalsLogged =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED_REFUSALS;
        }
      };
  private volatile boolean running = true;

  /** Starts delivering, first what the buffer kept from before a restart. */
  public EventSender(ConsumerClient client, String machine, EventBuffer buffer) {
    this(client, machine, buffer, AgentSettings.DEFAULT_BATCH_KB * 1024L);
  }

  /** As above, with batches of at most {@code batchMaxBytes} of serialized events. */
  public EventSender(
      ConsumerClient client, String machine, EventBuffer buffer, long batchMaxBytes) {
    this.client = client;
    this.machine = machine;
    this.buffer = buffer;
    this.batchMaxBytes = batchMaxBytes;
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
          batch = buffer.peek(BATCH, batchMaxBytes);
        }
        deliver(batch.events());
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

  /**
   * Sends events in order until the consumer took or refused each. Throws while the consumer is
   * unreachable or busy: the caller retries the whole batch, and what was delivered of it meanwhile
   * is read back once by its keys.
   */
  private void deliver(List<AgentEvent> events) throws IOException {
    if (events.isEmpty()) {
      return;
    }
    if (events.size() == 1) {
      AgentEvent fitted = fit(events.get(0));
      if (fitted == null) {
        return;
      }
      events = List.of(fitted);
    }
    BatchAck ack;
    try {
      ack = client.post(EVENTS, new EventBatch(machine, events), BatchAck.class);
    } catch (ConsumerClient.ConsumerException refused) {
      if (!refused.isBatchFault()) {
        throw refused;
      }
      if ((refused.status() == 413 || refused.status() == 400) && events.size() > 1) {
        int half = events.size() / 2;
        deliver(events.subList(0, half));
        deliver(events.subList(half, events.size()));
        return;
      }
      // A batch the consumer will never take must not block every later event.
      log.error(
          "consumer refused {} event(s), dropping them{}: {}",
          events.size(),
          events.size() == 1 ? " (" + events.get(0).key() + ")" : "",
          refused.detail());
      return;
    }
    for (BatchAck.Refusal refusal : ack.refused()) {
      boolean first;
      synchronized (refusalsLogged) {
        first = refusalsLogged.put(refusal.executionId(), Boolean.TRUE) == null;
      }
      if (first) {
        log.warn(
            "consumer refused the events of execution {} ({}: {}), dropping them; later refusals"
                + " of it are not logged",
            refusal.executionId(),
            refusal.status(),
            refusal.detail());
      }
    }
  }

  /**
   * The event if its JSON fits in a batch; else the event cut to the consumer's own caps, if that
   * fits; else null, logged as dropped.
   */
  private AgentEvent fit(AgentEvent event) throws IOException {
    long size = ConsumerClient.JSON.writeValueAsBytes(event).length;
    if (size <= batchMaxBytes) {
      return event;
    }
    AgentEvent cut = cut(event);
    long cutSize = ConsumerClient.JSON.writeValueAsBytes(cut).length;
    if (cutSize <= batchMaxBytes) {
      log.warn(
          "event {} is {} bytes, over the batch limit of {}: sending it cut to {} bytes",
          event.key(),
          size,
          batchMaxBytes,
          cutSize);
      return cut;
    }
    log.error(
        "event {} is {} bytes ({} cut), over the batch limit of {}: dropping it",
        event.key(),
        size,
        cutSize,
        batchMaxBytes);
    return null;
  }

  private static AgentEvent cut(AgentEvent e) {
    Map<String, String> custom = null;
    if (e.custom() != null) {
      custom = new LinkedHashMap<>();
      for (Map.Entry<String, String> entry : e.custom().entrySet()) {
        if (custom.size() == MAX_CUSTOM) {
          break;
        }
        custom.put(
            cut(String.valueOf(entry.getKey()), MAX_CUSTOM_KEY),
            cut(entry.getValue(), MAX_CUSTOM_VALUE));
      }
    }
    return e.toBuilder()
        .message(cut(e.message(), MAX_MESSAGE))
        .description(cut(e.description(), MAX_MESSAGE))
        .custom(custom)
        .attachments(
            e.attachments() == null ? null : e.attachments().stream().limit(MAX_FILES).toList())
        .screenshots(
            e.screenshots() == null ? null : e.screenshots().stream().limit(MAX_FILES).toList())
        .text(cut(e.text(), MAX_TEXT))
        .build();
  }

  private static String cut(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max) + "…[truncated]";
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
