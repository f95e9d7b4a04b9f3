package io.cta.server.live;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.mapping.Document;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The live feed behind the WebSocket API, in MongoDB so that any api process sees what any consumer
 * or api process wrote, without shared memory and without change streams (the embedded server needs
 * an unbounded oplog for those). A writer reserves sequence numbers with one {@code $inc} on a
 * counter, then inserts its events as documents whose {@code _id} is their number: readers poll the
 * tiny counter and read events by {@code _id}, key lookups on every backend. Documents are only
 * inserted and removed, never grown: appending to a shared document costs a server a rewrite of all
 * of it, and the feed is written on every change. The newest {@value #RETAINED} events are kept for
 * clients that resume.
 */
@Component
public class LiveFeedStore {

  static final int RETAINED = 65_536;

  /** Old events are removed this many at a time, by the writer of a multiple of it. */
  static final int RETIRE = 64;

  private static final Logger log = LoggerFactory.getLogger(LiveFeedStore.class);
  private static final String EVENTS = "live-events";
  private static final String SEQUENCE = "live";
  private static final int READ_CHUNK = 256;

  private final ReactiveMongoTemplate mongo;
  private final int retained;

  @Autowired
  public LiveFeedStore(ReactiveMongoTemplate mongo) {
    this(mongo, RETAINED);
  }

  /** A feed that keeps the newest {@code retained} events (a multiple of {@value #RETIRE}). */
  public LiveFeedStore(ReactiveMongoTemplate mongo, int retained) {
    if (retained < RETIRE || retained % RETIRE != 0) {
      throw new IllegalArgumentException("retained: a multiple of " + RETIRE);
    }
    this.mongo = mongo;
    this.retained = retained;
  }

  /** An event before the feed numbered it. */
  public record Draft(String type, String executionId, Map<String, Object> data) {}

  /** A {@link LiveEvent} as stored: its number is its key. */
  record Stored(@Id long seq, String type, String executionId, Long at, Map<String, Object> data) {

    LiveEvent event() {
      return new LiveEvent(seq, type, executionId, at, data);
    }
  }

  @Document("live-sequence")
  record Sequence(@Id String id, long value) {}

  public Mono<Void> publish(String type, String executionId, Map<String, Object> data) {
    return publish(List.of(new Draft(type, executionId, data)));
  }

  /**
   * Appends events in order. Never fails its caller: the change it reports is already stored, and a
   * client that missed an event recovers from the REST state (the {@code resync} of docs/api.md).
   */
  public Mono<Void> publish(List<Draft> drafts) {
    if (drafts.isEmpty()) {
      return Mono.empty();
    }
    long at = System.currentTimeMillis();
    return mongo
        .findAndModify(
            Query.query(Criteria.where("_id").is(SEQUENCE)),
            new Update().inc("value", drafts.size()),
            FindAndModifyOptions.options().upsert(true).returnNew(true),
            Sequence.class)
        .flatMap(
            last -> {
              long first = last.value() - drafts.size() + 1;
              List<Stored> events = new ArrayList<>(drafts.size());
              for (int i = 0; i < drafts.size(); i++) {
                Draft d = drafts.get(i);
                events.add(new Stored(first + i, d.type(), d.executionId(), at, d.data()));
              }
              return mongo.insert(events, EVENTS).then(retire(first, last.value()));
            })
        .onErrorResume(
            e -> {
              log.warn("live feed: {} event(s) not published: {}", drafts.size(), e.toString());
              return Mono.empty();
            });
  }

  /**
   * The writer of each multiple {@code m} of {@value #RETIRE} removes the {@value #RETIRE} events
   * up to {@code m - retained}: each is removed once, by a key lookup.
   */
  private Mono<Void> retire(long first, long last) {
    List<Long> multiples = new ArrayList<>();
    for (long m = (first + RETIRE - 1) / RETIRE * RETIRE; m <= last; m += RETIRE) {
      if (m > retained) {
        multiples.add(m);
      }
    }
    return Flux.fromIterable(multiples)
        .concatMap(
            m ->
                mongo.remove(
                    Query.query(
                        Criteria.where("_id").in(range(m - retained - RETIRE + 1, m - retained))),
                    EVENTS))
        .then();
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  /** The highest sequence number handed out so far (0 for an empty feed). */
  public Mono<Long> head() {
    return mongo.findById(SEQUENCE, Sequence.class).map(Sequence::value).defaultIfEmpty(0L);
  }

  /** The oldest sequence number surely still retained when the feed's head is {@code head}. */
  public long oldestRetained(long head) {
    return Math.max(1, head - retained + 1);
  }

  /**
   * Stored events with {@code after < seq <= upTo}, in order; reserved but unwritten ones absent.
   */
  public Flux<LiveEvent> read(long after, long upTo) {
    if (upTo <= after) {
      return Flux.empty();
    }
    return Flux.range(0, (int) ((upTo - after + READ_CHUNK - 1) / READ_CHUNK))
        .concatMap(
            chunk -> {
              long from = after + 1 + (long) chunk * READ_CHUNK;
              return mongo
                  .find(
                      Query.query(
                          Criteria.where("_id")
                              .in(range(from, Math.min(upTo, from + READ_CHUNK - 1)))),
                      Stored.class,
                      EVENTS)
                  // A bucket of 64 events an earlier version stored under a small number has no
                  // type: skipped, and removed once the feed passes that number.
                  .filter(stored -> stored.type() != null)
                  .map(Stored::event)
                  .sort(Comparator.comparingLong(LiveEvent::seq));
            });
  }
}
