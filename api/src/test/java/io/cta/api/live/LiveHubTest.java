package io.cta.api.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.cta.server.live.LiveEvent;
import io.cta.server.live.LiveFeedStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The live feed between processes that share nothing but MongoDB: writers number and store events,
 * each api process's hub polls them and hands them, in order, to its sessions' subscriptions.
 */
class LiveHubTest {

  private final JsonMapper json = JsonMapper.builder().build();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private MongoServer server;
  private MongoClient client;
  private ReactiveMongoTemplate mongo;
  private LiveFeedStore writer;

  @BeforeEach
  void setUp() {
    server = new MongoServer(new MemoryBackend());
    client = MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort());
    mongo = new ReactiveMongoTemplate(client, "cta-live");
    writer = new LiveFeedStore(mongo);
  }

  @AfterEach
  void tearDown() {
    client.close();
    server.shutdownNow();
  }

  private LiveHub hub() {
    return new LiveHub(new LiveFeedStore(mongo), null, Duration.ofMillis(100), nanos::get);
  }

  private LiveSession session(LiveHub hub, String... subscriptions) {
    LiveSession session = new LiveSession(hub, json, "token");
    hub.register(session);
    for (String subscription : subscriptions) {
      session.receive(subscription);
    }
    return session;
  }

  /** Everything the session queued so far, parsed. */
  private List<JsonNode> drain(LiveSession session) {
    List<JsonNode> messages = new ArrayList<>();
    session.close();
    for (String text : session.messages().collectList().block(Duration.ofSeconds(5))) {
      messages.add(json.readTree(text));
    }
    return messages;
  }

  private void publish(String type, String executionId, Map<String, Object> data) {
    writer.publish(type, executionId, data).block();
  }

  @Test
  void givenTwoApiProcesses_whenAnotherProcessWritesEvents_thenEachDeliversThemInOrderByTopic() {
    LiveHub api1 = hub();
    LiveHub api2 = hub();
    LiveSession all = session(api1, "{\"type\":\"subscribe\",\"topic\":\"executions\"}");
    LiveSession one =
        session(
            api2,
            "{\"type\":\"subscribe\",\"topic\":\"execution:e1\"}",
            "{\"type\":\"subscribe\",\"topic\":\"machines\"}");

    publish(LiveEvent.EXECUTION, "e1", Map.of("id", "e1", "state", "pending"));
    publish(LiveEvent.EXECUTION, "e2", Map.of("id", "e2", "state", "pending"));
    publish(LiveEvent.RESULTS, "e1", Map.of("count", 2));
    publish(LiveEvent.MACHINE, null, Map.of("name", "m1", "status", "busy"));
    publish(LiveEvent.EXECUTION, "e1", Map.of("id", "e1", "state", "finished"));
    api1.poll().block();
    api2.poll().block();

    List<JsonNode> toAll = drain(all);
    assertEquals("subscribed", toAll.get(0).get("type").asString());
    assertEquals(
        List.of("e1:pending", "e2:pending", "e1:finished"),
        toAll.subList(1, toAll.size()).stream()
            .map(
                m ->
                    m.get("data").get("id").asString()
                        + ":"
                        + m.get("data").get("state").asString())
            .toList());
    List<JsonNode> toOne = drain(one);
    assertEquals(
        List.of("execution", "results", "machine", "execution"),
        toOne.subList(2, toOne.size()).stream().map(m -> m.get("type").asString()).toList());
    assertEquals("execution:e1", toOne.get(2).get("topic").asString());
    assertEquals("machines", toOne.get(4).get("topic").asString());
    long previous = 0;
    for (JsonNode message : toOne.subList(2, toOne.size())) {
      assertTrue(message.get("seq").asLong() > previous, toOne.toString());
      previous = message.get("seq").asLong();
    }
  }

  @Test
  void givenAReservedSequenceNumberNeverWritten_whenPolled_thenLaterEventsWaitThenFlowPastTheGap() {
    LiveHub hub = hub();
    LiveSession session = session(hub, "{\"type\":\"subscribe\",\"topic\":\"executions\"}");
    // A writer that reserved number 1 and died before storing its event.
    mongo
        .upsert(
            Query.query(Criteria.where("_id").is("live")),
            new Update().inc("value", 1),
            "live-sequence")
        .block();
    publish(LiveEvent.EXECUTION, "e1", Map.of("id", "e1", "state", "pending"));

    hub.poll().block();
    nanos.addAndGet(LiveHub.GAP_WAIT.toNanos() / 2);
    hub.poll().block();
    assertEquals(0, hub.atPosition(p -> {}), "delivery waits while the writer may still write");

    nanos.addAndGet(LiveHub.GAP_WAIT.toNanos());
    hub.poll().block();

    assertEquals(2, hub.atPosition(p -> {}));
    List<JsonNode> messages = drain(session);
    assertEquals(2, messages.size(), messages.toString());
    assertEquals(2, messages.get(1).get("seq").asLong());
  }

  @Test
  void givenAClientResumingFromItsLastSequenceNumber_whenSubscribing_thenItGetsWhatItMissedFirst()
      throws Exception {
    LiveHub hub = hub();
    LiveSession before = session(hub, "{\"type\":\"subscribe\",\"topic\":\"execution:e1\"}");
    publish(LiveEvent.EXECUTION, "e1", Map.of("state", "pending"));
    publish(LiveEvent.LOGS, "e1", Map.of("chunks", List.of()));
    hub.poll().block();
    long lastSeen = drain(before).get(1).get("seq").asLong();

    publish(LiveEvent.EXECUTION, "e1", Map.of("state", "running"));
    publish(LiveEvent.EXECUTION, "e2", Map.of("state", "running"));
    hub.poll().block();
    LiveSession resumed = session(hub);
    resumed.receive(
        "{\"type\":\"subscribe\",\"topic\":\"execution:e1\",\"since\":" + lastSeen + "}");
    publish(LiveEvent.EXECUTION, "e1", Map.of("state", "finished"));
    awaitReplayed(resumed, hub);
    hub.poll().block();

    List<JsonNode> messages = drain(resumed);
    assertEquals("subscribed", messages.get(0).get("type").asString());
    assertEquals(
        List.of("logs", "execution", "execution"),
        messages.subList(1, messages.size()).stream().map(m -> m.get("type").asString()).toList());
    assertEquals(
        "running", messages.get(2).get("data").get("state").asString(), messages.toString());
    assertEquals("finished", messages.get(3).get("data").get("state").asString());
  }

  private static void awaitReplayed(LiveSession session, LiveHub hub) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!session.replaying().isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "the replay never ended");
      Thread.onSpinWait();
    }
  }

  @Test
  void givenASequenceNumberTheFeedNeverHad_whenResuming_thenTheClientIsToldToResync() {
    LiveHub hub = hub();
    publish(LiveEvent.EXECUTION, "e1", Map.of("state", "pending"));
    hub.poll().block();
    LiveSession session =
        session(hub, "{\"type\":\"subscribe\",\"topic\":\"executions\",\"since\":999}");

    awaitResync(session);
  }

  private void awaitResync(LiveSession session) {
    List<JsonNode> messages = drain(session);
    assertEquals(
        "resync", messages.get(messages.size() - 1).get("type").asString(), messages.toString());
    assertEquals("executions", messages.get(messages.size() - 1).get("topics").get(0).asString());
  }

  @Test
  void givenAClientThatDoesNotRead_whenEventsPileUp_thenTheQueueStaysBoundedAndItGetsAResync() {
    LiveHub hub = hub();
    LiveSession session = session(hub, "{\"type\":\"subscribe\",\"topic\":\"executions\"}");
    int events = LiveSession.CAPACITY + 500;
    for (int i = 1; i <= events; i++) {
      session.offer(new LiveEvent(i, LiveEvent.EXECUTION, "e" + i, 0, Map.of("n", i)));
    }

    List<JsonNode> messages = drain(session);

    assertTrue(messages.size() <= LiveSession.CAPACITY, "queued " + messages.size());
    long resyncs = messages.stream().filter(m -> m.get("type").asString().equals("resync")).count();
    assertEquals(1, resyncs, "one resync for the dropped messages " + messages.size());
    JsonNode last = messages.get(messages.size() - 1);
    assertEquals(events, last.get("seq").asLong(), "events after the resync flow again");
  }

  @Test
  void givenMalformedMessages_whenReceived_thenEachIsAnsweredWithAnErrorAndTheSessionLives() {
    LiveSession session = session(hub());
    for (String bad :
        List.of(
            "not json",
            "{\"type\":\"dance\"}",
            "{\"type\":\"subscribe\",\"topic\":\"execution:../../x\"}",
            "{\"type\":\"subscribe\",\"topic\":\"executions\",\"since\":\"yesterday\"}",
            "{\"type\":\"subscribe\"}")) {
      session.receive(bad);
    }
    session.receive("{\"type\":\"ping\"}");

    List<JsonNode> messages = drain(session);
    assertEquals(6, messages.size(), messages.toString());
    for (JsonNode error : messages.subList(0, 5)) {
      assertEquals("error", error.get("type").asString());
      assertTrue(error.get("message").asString().length() > 10, error.toString());
    }
    assertEquals("pong", messages.get(5).get("type").asString());
  }

  @Test
  void givenTheSessionCaps_whenOneMoreSessionIsReserved_thenItIsRefusedUntilOneIsGivenBack() {
    LiveHub hub =
        new LiveHub(
            new LiveFeedStore(mongo),
            null,
            Duration.ofMillis(100),
            nanos::get,
            new LiveProperties(2, 3, null, null, null));

    assertEquals(null, hub.reserve("a"));
    assertEquals(null, hub.reserve("a"));
    assertTrue(hub.reserve("a").contains("max-sessions-per-token"), "per token");
    assertEquals(null, hub.reserve("b"));
    assertTrue(hub.reserve("c").contains("cta.live.max-sessions"), "in all");
    assertTrue(hub.refusal("c") != null, "a ticket is refused too");

    hub.release("a");

    assertEquals(null, hub.refusal("c"));
    assertEquals(null, hub.reserve("c"));
    assertEquals(3, hub.open());
  }

  @Test
  void givenASessionSubscribingFasterThanTheRate_whenReceived_thenTheExcessGetsErrorsAndItLives() {
    LiveHub hub = hub(); // 10 per second, bursts of 20
    LiveSession session = session(hub);
    for (int n = 0; n < 25; n++) {
      session.receive("{\"type\":\"subscribe\",\"topic\":\"execution:e" + n + "\"}");
    }
    nanos.addAndGet(Duration.ofMillis(500).toNanos()); // five more
    for (int n = 25; n < 31; n++) {
      session.receive("{\"type\":\"subscribe\",\"topic\":\"execution:e" + n + "\"}");
    }
    session.receive("{\"type\":\"ping\"}");

    List<String> types = drain(session).stream().map(m -> m.get("type").asString()).toList();
    assertEquals(25, types.stream().filter("subscribed"::equals).count(), types.toString());
    List<String> errors = types.stream().filter("error"::equals).toList();
    assertEquals(6, errors.size(), types.toString());
    assertEquals("pong", types.get(types.size() - 1));
  }

  @Test
  void givenASinceFarBehind_whenResuming_thenItIsToldToResyncWithoutTheFeedBeingScanned() {
    List<Long> scanned = new java.util.concurrent.CopyOnWriteArrayList<>();
    LiveFeedStore counting =
        new LiveFeedStore(mongo) {
          @Override
          public reactor.core.publisher.Flux<LiveEvent> read(long after, long upTo) {
            scanned.add(upTo - after);
            return super.read(after, upTo);
          }
        };
    LiveHub hub =
        new LiveHub(
            counting,
            null,
            Duration.ofMillis(100),
            nanos::get,
            new LiveProperties(null, null, null, null, 100));
    for (int n = 0; n < 150; n++) {
      publish(LiveEvent.EXECUTION, "other", Map.of("n", n));
    }
    hub.poll().block(); // nobody listens yet: the hub skips to the head
    LiveSession session =
        session(hub, "{\"type\":\"subscribe\",\"topic\":\"execution:e1\",\"since\":0}");

    List<JsonNode> messages = drain(session);
    JsonNode last = messages.get(messages.size() - 1);
    assertEquals("resync", last.get("type").asString(), messages.toString());
    assertTrue(last.get("reason").asString().contains("more than 100"), last.toString());
    assertTrue(scanned.stream().allMatch(n -> n <= 100), "scanned " + scanned);
  }
}
