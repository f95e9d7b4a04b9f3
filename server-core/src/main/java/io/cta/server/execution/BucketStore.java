package io.cta.server.execution;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import org.bson.BsonDocumentWrapper;
import org.bson.BsonReader;
import org.bson.BsonType;
import org.bson.BsonWriter;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.Encoder;
import org.bson.codecs.EncoderContext;
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
 * buckets they fall in, in one bulk write; a read is the counter and the buckets, all by {@code
 * _id}. So every read and write is a key lookup, also on the embedded MongoDB, which has no other
 * index, and no document is ever rewritten beyond its bucket. Entries are never updated: a later
 * report of the same thing is appended and wins when read. Entries go to and from BSON by their
 * codec ({@link EntryCodecs}), straight into the request and out of the reply.
 */
final class BucketStore<T> {

  static final String COUNTERS = "bucket-counters";

  private final ReactiveMongoTemplate mongo;
  private final String collection;
  private final EntryCodecs.EntryCodec<T> codec;
  private final int size;

  BucketStore(
      ReactiveMongoTemplate mongo, String collection, EntryCodecs.EntryCodec<T> codec, int size) {
    this.mongo = mongo;
    this.collection = collection;
    this.codec = codec;
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
              TreeMap<Long, List<T>> byBucket = new TreeMap<>();
              for (int i = 0; i < entries.size(); i++) {
                byBucket
                    .computeIfAbsent((first + i) / size, n -> new ArrayList<>())
                    .add(entries.get(i));
              }
              List<UpdateOneModel<Document>> pushes = new ArrayList<>();
              byBucket.forEach(
                  (n, pushed) ->
                      pushes.add(
                          new UpdateOneModel<>(
                              Filters.eq("_id", bucket(executionId, n)),
                              new BsonDocumentWrapper<>(pushed, new PushEncoder(executionId, n)),
                              new UpdateOptions().upsert(true))));
              return mongo.getCollection(collection).flatMap(buckets -> push(buckets, pushes, 0));
            });
  }

  /**
   * One ordered bulk write of {@code $set n, $push entries} upserts, one per bucket; the entries
   * are encoded straight into the request by their codec. Two appenders opening the same bucket
   * race on a real MongoDB: the loser's bulk stops at that bucket, and it goes on from there, now
   * as an update.
   */
  private Mono<Void> push(
      MongoCollection<Document> buckets, List<UpdateOneModel<Document>> pushes, int retries) {
    return Mono.from(buckets.bulkWrite(pushes, new BulkWriteOptions().ordered(true)))
        .then()
        .onErrorResume(
            e ->
                e instanceof MongoBulkWriteException bulk
                    && retries < 3
                    && bulk.getWriteErrors().size() == 1
                    && bulk.getWriteErrors().get(0).getCategory() == ErrorCategory.DUPLICATE_KEY,
            e -> {
              int failed = ((MongoBulkWriteException) e).getWriteErrors().get(0).getIndex();
              return push(buckets, pushes.subList(failed, pushes.size()), retries + 1);
            });
  }

  private final class PushEncoder implements Encoder<List<T>> {

    private final String executionId;
    private final long n;

    PushEncoder(String executionId, long n) {
      this.executionId = executionId;
      this.n = n;
    }

    @Override
    public void encode(BsonWriter writer, List<T> entries, EncoderContext context) {
      writer.writeStartDocument();
      writer.writeStartDocument("$set");
      writer.writeInt64("n", n);
      writer.writeEndDocument();
      writer.writeStartDocument("$push");
      writer.writeStartDocument("entries");
      writer.writeStartArray("$each");
      for (T entry : entries) {
        codec.encode(writer, entry, executionId);
      }
      writer.writeEndArray();
      writer.writeEndDocument();
      writer.writeEndDocument();
      writer.writeEndDocument();
    }

    @SuppressWarnings("unchecked")
    @Override
    public Class<List<T>> getEncoderClass() {
      return (Class<List<T>>) (Class<?>) List.class;
    }
  }

  /** Every entry of the execution, in the order appended. */
  Flux<T> all(String executionId) {
    return mongo
        .findById(counter(executionId), Document.class, COUNTERS)
        .flatMapMany(
            counter ->
                mongo
                    .getCollection(collection)
                    .flatMapMany(
                        buckets ->
                            buckets.find(
                                Filters.in("_id", buckets(executionId, counter)),
                                RawBsonDocument.class))
                    .map(bucket -> read(bucket, executionId))
                    .collectSortedList(Comparator.comparingLong(Bucket::n))
                    .flatMapIterable(buckets -> buckets)
                    .concatMapIterable(Bucket::entries));
  }

  private record Bucket<T>(long n, List<T> entries) {}

  /** An entry and its position: {@code n × size + its index in bucket n}, never reused. */
  record Positioned<T>(long position, T entry) {}

  /**
   * The entries after {@code after}, in position order, from at most {@code maxBuckets} buckets.
   * Entries of a bucket keep their index once pushed, so a position is a stable cursor. Unless
   * {@code settled}, reading stops after a bucket that is not full: positions reserved there may
   * still be pushed by an appender in flight, and a cursor moved past them would never see them.
   */
  Mono<Slice<T>> after(String executionId, long after, int maxBuckets, boolean settled) {
    long first = Math.max(0, after) / size;
    return mongo
        .findById(counter(executionId), Document.class, COUNTERS)
        .flatMap(
            counter -> {
              long count = ((Number) counter.get("count")).longValue();
              long end = (count - 1) / size;
              long last = Math.min(end, first + maxBuckets - 1);
              if (count == 0 || first > last) {
                return Mono.just(new Slice<T>(List.of(), false));
              }
              List<String> ids = new ArrayList<>();
              for (long n = first; n <= last; n++) {
                ids.add(bucket(executionId, n));
              }
              return mongo
                  .getCollection(collection)
                  .flatMapMany(
                      buckets -> buckets.find(Filters.in("_id", ids), RawBsonDocument.class))
                  .map(bucket -> read(bucket, executionId))
                  .collectSortedList(Comparator.comparingLong(Bucket::n))
                  .map(read -> positioned(read, first, after, settled, last < end));
            })
        .defaultIfEmpty(new Slice<>(List.of(), false));
  }

  /**
   * Entries read by position.
   *
   * @param more whether entries beyond the last bucket read are stored
   */
  record Slice<T>(List<Positioned<T>> entries, boolean more) {}

  private Slice<T> positioned(
      List<Bucket<T>> read, long first, long after, boolean settled, boolean more) {
    List<Positioned<T>> entries = new ArrayList<>();
    long expected = first;
    for (Bucket<T> bucket : read) {
      if (!settled && bucket.n() != expected) {
        return new Slice<>(entries, false); // a bucket whose first push has not landed yet
      }
      for (int i = 0; i < bucket.entries().size(); i++) {
        long position = bucket.n() * size + i + 1;
        if (position > after) {
          entries.add(new Positioned<>(position, bucket.entries().get(i)));
        }
      }
      if (!settled && bucket.entries().size() < size) {
        return new Slice<>(entries, false);
      }
      expected = bucket.n() + 1;
    }
    return new Slice<>(entries, more);
  }

  private Bucket<T> read(RawBsonDocument document, String executionId) {
    long n = 0;
    List<T> entries = new ArrayList<>();
    try (BsonReader reader = document.asBsonReader()) {
      reader.readStartDocument();
      BsonType type;
      while ((type = reader.readBsonType()) != BsonType.END_OF_DOCUMENT) {
        switch (reader.readName()) {
          case "n" -> n = type == BsonType.INT32 ? reader.readInt32() : reader.readInt64();
          case "entries" -> {
            reader.readStartArray();
            while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
              entries.add(codec.decode(reader, executionId));
            }
            reader.readEndArray();
          }
          default -> reader.skipValue();
        }
      }
      reader.readEndDocument();
    }
    return new Bucket<>(n, entries);
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
