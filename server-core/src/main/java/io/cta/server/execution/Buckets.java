package io.cta.server.execution;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What an execution accumulates (results, log chunks, state events), appended to bucket documents
 * {@code <executionId>:<n>} of at most {@code size} entries. An append reserves positions with one
 * {@code $inc} on the execution's counter in {@code bucket-counters}, then {@code $push}es into the
 * one or two buckets they fall in; a read is the counter and the buckets, all by {@code _id}. So
 * every read and write is a key lookup, also on the embedded MongoDB, which has no other index, and
 * no document is ever rewritten beyond its bucket. Entries are never updated: a later report of the
 * same thing is appended and wins when read.
 */
final class Buckets<T> {

  static final String COUNTERS = "bucket-counters";

  private final ReactiveMongoTemplate mongo;
  private final String collection;
  private final Class<T> type;
  private final int size;

  Buckets(ReactiveMongoTemplate mongo, String collection, Class<T> type, int size) {
    this.mongo = mongo;
    this.collection = collection;
    this.type = type;
    this.size = size;
  }

  private String counter(String executionId) {
    return collection + ":" + executionId;
  }

  static String bucket(String executionId, long n) {
    return executionId + ":" + n;
  }

  Mono<Void> append(String executionId, List<T> entries) {
    if (entries.isEmpty()) {
      return Mono.empty();
    }
    return mongo
        .findAndModify(
            Query.query(Criteria.where("_id").is(counter(executionId))),
            new Update().inc("count", entries.size()),
            FindAndModifyOptions.options().upsert(true).returnNew(true),
            Document.class,
            COUNTERS)
        .flatMap(
            counter -> {
              long first = ((Number) counter.get("count")).longValue() - entries.size();
              TreeMap<Long, List<Document>> byBucket = new TreeMap<>();
              for (int i = 0; i < entries.size(); i++) {
                byBucket
                    .computeIfAbsent((first + i) / size, n -> new ArrayList<>())
                    .add(document(entries.get(i)));
              }
              return Flux.fromIterable(byBucket.entrySet())
                  .concatMap(b -> push(executionId, b.getKey(), b.getValue()))
                  .then();
            });
  }

  private Mono<Void> push(String executionId, long n, List<Document> entries) {
    Mono<Void> push =
        mongo
            .upsert(
                Query.query(Criteria.where("_id").is(bucket(executionId, n))),
                new Update().set("n", n).push("entries").each(entries.toArray()),
                collection)
            .then();
    // Two appenders opening the same bucket race on a real MongoDB: the loser retries as an update.
    return push.onErrorResume(DuplicateKeyException.class, e -> push);
  }

  private Document document(T entry) {
    Document document = new Document();
    mongo.getConverter().write(entry, document);
    document.remove("_class");
    return document;
  }

  /** Every entry of the execution, in the order appended. */
  Flux<T> all(String executionId) {
    return mongo
        .findById(counter(executionId), Document.class, COUNTERS)
        .flatMapMany(
            counter ->
                mongo
                    .find(
                        Query.query(Criteria.where("_id").in(buckets(executionId, counter))),
                        Document.class,
                        collection)
                    .collectSortedList(
                        Comparator.comparingLong(b -> ((Number) b.get("n")).longValue()))
                    .flatMapIterable(buckets -> buckets)
                    .concatMapIterable(b -> b.getList("entries", Document.class))
                    .map(d -> mongo.getConverter().read(type, d)));
  }

  /** Removes the execution's buckets, then its counter (so a retry after a crash finds them). */
  Mono<Void> delete(String executionId) {
    return mongo
        .findById(counter(executionId), Document.class, COUNTERS)
        .flatMap(
            counter ->
                mongo.remove(
                    Query.query(Criteria.where("_id").in(buckets(executionId, counter))),
                    collection))
        .then(mongo.remove(Query.query(Criteria.where("_id").is(counter(executionId))), COUNTERS))
        .then();
  }

  private List<String> buckets(String executionId, Document counter) {
    long count = ((Number) counter.get("count")).longValue();
    List<String> ids = new ArrayList<>();
    for (long n = 0; n <= (count - 1) / size; n++) {
      ids.add(bucket(executionId, n));
    }
    return ids;
  }
}
