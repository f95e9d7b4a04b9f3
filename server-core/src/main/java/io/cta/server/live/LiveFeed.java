package io.cta.server.live;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
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
 * counter, then appends its events to buckets of {@value #BUCKET} keyed by {@code seq /} {@value
 * #BUCKET}: readers poll the tiny counter and read buckets by {@code _id}, key lookups on every
 * backend. The newest {@value #RETAINED_BUCKETS} buckets are kept for clients that resume.
 */
@Component
public class LiveFeed {

  static final int BUCKET = 64;
  static final int RETAINED_BUCKETS = 1024;

  private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);
  private static final String SEQUENCE = "live";

  private final ReactiveMongoTemplate mongo;

  public LiveFeed(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  /** An event before the feed numbered it. */
  public record Draft(String type, String executionId, Map<String, Object> data) {}

  @Document("live-events")
  record Bucket(@Id Long id, List<LiveEvent> events) {}

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
        .flatMap(last -> append(numbered(drafts, last.value() - drafts.size() + 1, at)))
        .onErrorResume(
            e -> {
              log.warn("live feed: {} event(s) not published: {}", drafts.size(), e.toString());
              return Mono.empty();
            });
  }

  private static TreeMap<Long, List<LiveEvent>> numbered(List<Draft> drafts, long first, long at) {
    TreeMap<Long, List<LiveEvent>> byBucket = new TreeMap<>();
    for (int i = 0; i < drafts.size(); i++) {
      Draft d = drafts.get(i);
      long seq = first + i;
      byBucket
          .computeIfAbsent(seq / BUCKET, b -> new ArrayList<>())
          .add(new LiveEvent(seq, d.type(), d.executionId(), at, d.data()));
    }
    return byBucket;
  }

  private Mono<Void> append(TreeMap<Long, List<LiveEvent>> byBucket) {
    return Flux.fromIterable(byBucket.entrySet())
        .concatMap(
            entry -> {
              long bucket = entry.getKey();
              List<LiveEvent> events = entry.getValue();
              Mono<Void> push = push(bucket, events);
              // The writer that opens a bucket retires the oldest one: each is retired once.
              return events.get(0).seq() % BUCKET == 0
                  ? push.then(
                      mongo
                          .remove(
                              Query.query(Criteria.where("_id").is(bucket - RETAINED_BUCKETS)),
                              Bucket.class)
                          .then())
                  : push;
            })
        .then();
  }

  private Mono<Void> push(long bucket, List<LiveEvent> events) {
    Mono<Void> upsert =
        mongo
            .upsert(
                Query.query(Criteria.where("_id").is(bucket)),
                new Update().push("events").each(events.toArray()),
                Bucket.class)
            .then();
    // Two writers opening the same bucket race on a real MongoDB: the loser retries as an update.
    return upsert.onErrorResume(DuplicateKeyException.class, e -> upsert);
  }

  /** The highest sequence number handed out so far (0 for an empty feed). */
  public Mono<Long> head() {
    return mongo.findById(SEQUENCE, Sequence.class).map(Sequence::value).defaultIfEmpty(0L);
  }

  /** The oldest sequence number still retained when the feed's head is {@code head}. */
  public static long oldestRetained(long head) {
    return Math.max(1, (head / BUCKET - RETAINED_BUCKETS + 1) * BUCKET);
  }

  /**
   * Stored events with {@code after < seq <= upTo}, in order; reserved but unwritten ones absent.
   */
  public Flux<LiveEvent> read(long after, long upTo) {
    if (upTo <= after) {
      return Flux.empty();
    }
    long from = (after + 1) / BUCKET;
    long to = upTo / BUCKET;
    return Flux.range(0, (int) (to - from + 1))
        .concatMap(i -> mongo.findById(from + i, Bucket.class))
        .concatMapIterable(
            bucket ->
                bucket.events().stream()
                    .filter(e -> e.seq() > after && e.seq() <= upTo)
                    .sorted(Comparator.comparingLong(LiveEvent::seq))
                    .toList());
  }
}
