package io.cta.server.scenario;

import io.cta.server.scenario.ImportDocument.State;
import java.time.Instant;
import java.util.List;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The import journal ({@link ImportDocument}). Each change is one conditional single-document
 * update by {@code _id} that also names the execution it expects, so the api resuming an import and
 * retention abandoning it cannot both win. No transaction, no TTL index.
 */
@Component
public class ImportStore {

  /** The sparse-indexed field of an import that has not completed. */
  public static final String UNFINISHED_SINCE = "unfinishedSince";

  private final ReactiveMongoTemplate mongo;

  public ImportStore(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  public Mono<ImportDocument> find(String id) {
    return mongo.findById(id, ImportDocument.class);
  }

  /** Writes a new journal; a {@code DuplicateKeyException} when another request wrote it first. */
  public Mono<ImportDocument> begin(ImportDocument journal) {
    return mongo.insert(journal);
  }

  /**
   * A retry resumes an unfinished import with the same execution: its attempt begins again now, so
   * that retention does not abandon it meanwhile. False when it is no longer {@code importing}.
   */
  public Mono<Boolean> resume(String id, String executionId, Instant now) {
    return updated(
        mine(id, executionId).and("state").is(State.importing),
        new Update().set(UNFINISHED_SINCE, now));
  }

  /**
   * A retry of an abandoned import starts over with a new execution (the old one's results are
   * retention's to delete). False when the journal changed meanwhile.
   */
  public Mono<Boolean> restart(String id, String abandonedId, String executionId, Instant now) {
    return updated(
        mine(id, abandonedId).and("state").is(State.abandoned),
        new Update()
            .set("executionId", executionId)
            .set("state", State.importing)
            .set(UNFINISHED_SINCE, now));
  }

  /** The execution is stored: the journal now only answers retries, until retention. */
  public Mono<Void> completed(String id, String executionId) {
    return updated(
            mine(id, executionId),
            new Update().set("state", State.imported).unset(UNFINISHED_SINCE))
        .then();
  }

  /**
   * Unfinished imports whose attempt began before {@code before}, at most {@code limit}. The sparse
   * {@code unfinishedSince} index holds only unfinished imports, a handful at any time, so on a
   * real MongoDB this reads a few index entries; the embedded server ignores non-unique indexes and
   * scans the collection (one small document per retained import), once per retention pass.
   */
  public Flux<ImportDocument> findUnfinished(Instant before, int limit) {
    return mongo.find(
        Query.query(Criteria.where(UNFINISHED_SINCE).lt(before)).limit(limit),
        ImportDocument.class);
  }

  /**
   * Retention takes an unfinished import over: true when it is (or already was) {@code abandoned}
   * by this call or an earlier pass, false when a retry resumed or completed it meanwhile.
   */
  public Mono<Boolean> abandon(String id, String executionId, Instant before) {
    return updated(
        mine(id, executionId)
            .and("state")
            .in(List.of(State.importing, State.abandoned))
            .and(UNFINISHED_SINCE)
            .lt(before),
        new Update().set("state", State.abandoned));
  }

  /** Deletes an abandoned journal once what its import stored is gone. */
  public Mono<Void> deleteAbandoned(String id, String executionId) {
    return mongo
        .remove(
            Query.query(mine(id, executionId).and("state").is(State.abandoned)),
            ImportDocument.class)
        .then();
  }

  /** Deletes the journal of an execution (retention): by the unique {@code executionId} index. */
  public Mono<Void> deleteByExecution(String executionId) {
    return mongo
        .remove(Query.query(Criteria.where("executionId").is(executionId)), ImportDocument.class)
        .then();
  }

  private static Criteria mine(String id, String executionId) {
    return Criteria.where("_id").is(id).and("executionId").is(executionId);
  }

  private Mono<Boolean> updated(Criteria where, Update update) {
    return mongo
        .updateFirst(Query.query(where), update, ImportDocument.class)
        .map(result -> result.getModifiedCount() > 0 || result.getMatchedCount() > 0);
  }
}
