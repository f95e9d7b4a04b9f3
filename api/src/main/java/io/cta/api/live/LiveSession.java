package io.cta.api.live;

import io.cta.server.live.LiveEvent;
import io.cta.server.live.LiveTopic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.regex.Pattern;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One WebSocket client: its subscriptions and a bounded queue of messages to send. A client that
 * reads too slowly to keep up with {@value #CAPACITY} queued messages loses them and gets one
 * {@code resync} instead, so it can never make the server hold unbounded memory.
 *
 * <p>A subscription with {@code since} first replays what the feed retained after that sequence
 * number; events arriving meanwhile wait in a (bounded) list and follow the replay in order. A
 * replay reads at most {@link LiveProperties#replayMaxScan} sequence numbers, and subscribe
 * messages are rate limited per session, so no client can make the process scan the feed without
 * bound.
 */
final class LiveSession {

  static final int CAPACITY = 1024;
  static final int MAX_TOPICS = 100;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final LiveHub hub;
  private final JsonMapper json;
  private final String tokenId;
  private final ArrayBlockingQueue<String> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final Sinks.Many<String> out = Sinks.many().unicast().onBackpressureBuffer(queue);

  /** Subscribed topics; the value is null once live, else the events held back during replay. */
  private final Map<LiveTopic, List<LiveEvent>> topics = new HashMap<>(); // guarded by this

  // A token bucket for subscribe messages: each one may start a replay, a read of the feed.
  private double subscribeTokens; // guarded by this
  private long refilledAt; // hub nanoTime; guarded by this

  LiveSession(LiveHub hub, JsonMapper json, String tokenId) {
    this.hub = hub;
    this.json = json;
    this.tokenId = tokenId;
    this.subscribeTokens = hub.limits().subscribeBurst();
    this.refilledAt = hub.nanoTime();
  }

  /** The token the client authenticated with (directly or through a ticket). */
  String tokenId() {
    return tokenId;
  }

  /** Ends the session because its token was revoked. */
  void revoked() {
    error("the token of this connection was revoked");
    close();
  }

  /** Topics still replaying (tests). */
  synchronized List<LiveTopic> replaying() {
    return topics.entrySet().stream()
        .filter(e -> e.getValue() != null)
        .map(Map.Entry::getKey)
        .toList();
  }

  Flux<String> messages() {
    return out.asFlux();
  }

  void close() {
    synchronized (this) {
      topics.clear();
    }
    out.tryEmitComplete();
  }

  /** A new event from the hub (called in feed order, under the hub's lock). */
  synchronized void offer(LiveEvent event) {
    List<LiveTopic> live = new ArrayList<>();
    List<LiveTopic> overflowing = new ArrayList<>();
    topics.forEach(
        (topic, held) -> {
          if (!event.belongsTo(topic)) {
            return;
          }
          if (held == null) {
            live.add(topic);
          } else if (held.size() < CAPACITY) {
            held.add(event);
          } else {
            overflowing.add(topic);
          }
        });
    for (LiveTopic topic : live) {
      send(event(topic, event));
    }
    for (LiveTopic topic : overflowing) {
      topics.put(topic, null);
      send(resync(List.of(topic), "too many events during the replay"));
    }
  }

  /** A message from the client. Mistakes are answered with an {@code error} message. */
  void receive(String text) {
    JsonNode message;
    try {
      message = json.readTree(text);
    } catch (JacksonException e) {
      error("not a JSON message");
      return;
    }
    String type = message.path("type").asString("");
    switch (type) {
      case "subscribe" -> subscribe(message);
      case "unsubscribe" -> unsubscribe(message);
      case "ping" -> control(Map.of("type", "pong"));
      default -> error("unknown message type '" + type + "': use subscribe, unsubscribe or ping");
    }
  }

  /** Takes a token for one subscribe message, if the session has one left. */
  private synchronized boolean subscribeAllowed() {
    LiveProperties limits = hub.limits();
    long now = hub.nanoTime();
    subscribeTokens =
        Math.min(
            limits.subscribeBurst(),
            subscribeTokens + (now - refilledAt) / 1e9 * limits.subscribeRate());
    refilledAt = now;
    if (subscribeTokens < 1) {
      return false;
    }
    subscribeTokens -= 1;
    return true;
  }

  private void subscribe(JsonNode message) {
    if (!subscribeAllowed()) {
      LiveProperties limits = hub.limits();
      error(
          "too many subscribe messages: at most "
              + limits.subscribeRate()
              + " per second, "
              + limits.subscribeBurst()
              + " at once; this one was ignored, send it again later");
      return;
    }
    LiveTopic topic = topic(message);
    if (topic == null) {
      return;
    }
    JsonNode since = message.path("since");
    if (!since.isMissingNode() && !since.isNull() && !since.canConvertToLong()) {
      error("since must be the sequence number of the last event received");
      return;
    }
    synchronized (this) {
      if (!topics.containsKey(topic) && topics.size() >= MAX_TOPICS) {
        error("at most " + MAX_TOPICS + " subscriptions per connection");
        return;
      }
    }
    boolean replay = since.canConvertToLong();
    // Under the hub's lock: every event after the position reaches this topic after "subscribed".
    long position =
        hub.atPosition(
            p -> {
              synchronized (this) {
                topics.put(topic, replay ? new ArrayList<>() : null);
                control(subscribed(topic, p));
              }
            });
    if (replay) {
      replay(topic, since.asLong(), position);
    }
  }

  /** Sends the retained events of {@code topic} in {@code (since, upTo]}, then the held ones. */
  private void replay(LiveTopic topic, long since, long upTo) {
    if (since < hub.feed().oldestRetained(upTo) - 1 || since > upTo) {
      endReplay(topic, null, "sequence number " + since + " is no longer retained");
      return;
    }
    // The scan, not only the answer, is bounded: events of other topics are read too.
    int maxScan = hub.limits().replayMaxScan();
    if (upTo - since > maxScan) {
      endReplay(topic, null, "more than " + maxScan + " events behind");
      return;
    }
    hub.feed()
        .read(since, upTo)
        .filter(e -> e.belongsTo(topic))
        .take(CAPACITY + 1)
        .collectList()
        .subscribe(
            events ->
                endReplay(
                    topic,
                    events.size() > CAPACITY ? null : events,
                    "more than " + CAPACITY + " events missed"),
            e -> endReplay(topic, null, "replay failed"));
  }

  private synchronized void endReplay(LiveTopic topic, List<LiveEvent> replayed, String why) {
    List<LiveEvent> held = topics.get(topic);
    if (held == null) {
      return; // unsubscribed or overflowed meanwhile
    }
    topics.put(topic, null);
    if (replayed == null) {
      send(resync(List.of(topic), why));
      return;
    }
    for (LiveEvent e : replayed) {
      send(event(topic, e));
    }
    for (LiveEvent e : held) {
      send(event(topic, e));
    }
  }

  private void unsubscribe(JsonNode message) {
    LiveTopic topic = topic(message);
    if (topic == null) {
      return;
    }
    synchronized (this) {
      topics.remove(topic);
    }
    control(Map.of("type", "unsubscribed", "topic", topic.toString()));
  }

  private LiveTopic topic(JsonNode message) {
    String text = message.path("topic").asString("");
    LiveTopic topic = LiveTopic.parse(text);
    if (topic == null || (topic.id() != null && !ID.matcher(topic.id()).matches())) {
      error("topic must be executions, machines or execution:<id>, not '" + cut(text) + "'");
      return null;
    }
    return topic;
  }

  private void error(String detail) {
    control(Map.of("type", "error", "message", detail));
  }

  private synchronized void control(Map<String, Object> message) {
    send(json.writeValueAsString(message));
  }

  /** Queues one message; a full queue is dropped for a single {@code resync} of every topic. */
  private synchronized void send(String message) {
    // Only this method adds to the queue (under this lock), so a full queue stays full until sent.
    if (queue.remainingCapacity() > 0) {
      out.tryEmitNext(message);
      return;
    }
    queue.clear();
    topics.replaceAll((topic, held) -> null);
    out.tryEmitNext(resync(List.copyOf(topics.keySet()), "the client reads too slowly"));
  }

  private Map<String, Object> subscribed(LiveTopic topic, long position) {
    return Map.of("type", "subscribed", "topic", topic.toString(), "seq", position);
  }

  private String resync(List<LiveTopic> of, String why) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("type", "resync");
    message.put("topics", of.stream().map(LiveTopic::toString).toList());
    message.put("reason", why);
    return json.writeValueAsString(message);
  }

  private String event(LiveTopic topic, LiveEvent e) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("type", e.type());
    message.put("topic", topic.toString());
    message.put("seq", e.seq());
    message.put("executionId", e.executionId());
    message.put("at", e.at());
    message.put("data", e.data());
    return json.writeValueAsString(message);
  }

  private static String cut(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "…";
  }
}
