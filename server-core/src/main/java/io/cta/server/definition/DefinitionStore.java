package io.cta.server.definition;

import io.cta.server.error.NotFoundException;
import io.cta.server.error.PreconditionFailedException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.springframework.data.annotation.Id;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Reads and writes of suites, configurations and scenarios (and the version checks of schedules),
 * which all work the same way: by {@code _id}, with optimistic concurrency on {@code updatedAt}.
 */
@Component
public class DefinitionStore {

  private final ReactiveMongoTemplate mongo;

  public DefinitionStore(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  /**
   * The definitions in {@code sort} order, from {@code offset}; with a {@code name}, only those
   * with exactly that name (compared as a value, never as a pattern or an operator): the CLI finds
   * definitions by name with it (docs/cli.md), and names are not unique, so a page may hold
   * several.
   */
  public <D> Flux<D> find(Class<D> type, String name, Sort sort, long offset, int limit) {
    return mongo.find(Query.of(named(name)).with(sort).skip(offset).limit(limit), type);
  }

  /** How many definitions {@link #find} pages through. */
  public Mono<Long> count(Class<?> type, String name) {
    return mongo.count(named(name), type);
  }

  private static Query named(String name) {
    return name == null ? new Query() : Query.query(Criteria.where("name").is(name));
  }

  /** Every definition of {@code type}, in no order: a scan, for the rare reader that needs one. */
  public <D> Flux<D> all(Class<D> type) {
    return mongo.find(new Query(), type);
  }

  /** The definition, or empty when there is none with this id. */
  public <D> Mono<D> findById(Class<D> type, String id) {
    return mongo.findById(id, type);
  }

  /** The definition, or a {@link NotFoundException} naming it {@code what}. */
  public <D> Mono<D> get(Class<D> type, String id, String what) {
    return findById(type, id).switchIfEmpty(Mono.error(() -> new NotFoundException(what, id)));
  }

  /** What retention reads of each scenario (docs/architecture.md#retention). */
  public record ScenarioLimits(@Id String id, long lastNumber, Retention retention) {}

  /** Every scenario's number and retention, and nothing else of it. */
  public Flux<ScenarioLimits> scenarioLimits() {
    Query query = new Query();
    query.fields().include("lastNumber", "retention");
    return mongo.find(query, ScenarioLimits.class, mongo.getCollectionName(ScenarioDocument.class));
  }

  /**
   * Atomically takes the scenario's next execution number ({@code $inc lastNumber}) and answers the
   * scenario as it is after; empty when there is no such scenario.
   */
  public Mono<ScenarioDocument> takeNextNumber(String scenarioId) {
    return mongo.findAndModify(
        Query.query(Criteria.where("_id").is(scenarioId)),
        new Update().inc("lastNumber", 1),
        FindAndModifyOptions.options().returnNew(true),
        ScenarioDocument.class);
  }

  /**
   * The version tag of a definition (its HTTP entity tag, compared with {@code If-Match}): the
   * instant of its last change, in milliseconds.
   */
  public static String etag(Instant updatedAt) {
    return "\"" + updatedAt.toEpochMilli() + "\"";
  }

  /** The instant to store as a definition's new {@code updatedAt}: later than the previous one. */
  public static Instant nextUpdate(Instant previous) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return previous == null || now.isAfter(previous) ? now : previous.plusMillis(1);
  }

  /**
   * Replaces a definition with {@code edit(current)} under optimistic concurrency: the write only
   * lands if the stored document still has the {@code updatedAt} (and the {@code unchanged} field
   * values) it was read with. With {@code ifMatch} (an {@code If-Match} header) a stale tag, or a
   * change between read and write, answers 412; without it the edit is applied to the latest
   * version (last write wins, but a concurrent change of an {@code unchanged} field is never lost).
   */
  public <D> Mono<D> replace(
      Class<D> type,
      String id,
      String what,
      String ifMatch,
      Function<D, Instant> updatedAt,
      Function<D, Map<String, Object>> unchanged,
      Function<D, D> edit) {
    return write(
        type,
        id,
        what,
        ifMatch,
        updatedAt,
        unchanged,
        (current, stillCurrent) ->
            mongo.findAndReplace(stillCurrent, edit.apply(current)).hasElement());
  }

  /**
   * Like {@link #replace}, but sets only the fields of {@code update(current)} (which must set a
   * new {@code updatedAt}): for documents whose other fields change on their own, such as the
   * events of a schedule.
   */
  public <D> Mono<D> update(
      Class<D> type,
      String id,
      String what,
      String ifMatch,
      Function<D, Instant> updatedAt,
      Function<D, Update> update) {
    return write(
        type,
        id,
        what,
        ifMatch,
        updatedAt,
        current -> Map.of(),
        (current, stillCurrent) ->
            mongo
                .updateFirst(stillCurrent, update.apply(current), type)
                .map(result -> result.getMatchedCount() > 0));
  }

  private <D> Mono<D> write(
      Class<D> type,
      String id,
      String what,
      String ifMatch,
      Function<D, Instant> updatedAt,
      Function<D, Map<String, Object>> unchanged,
      BiFunction<D, Query, Mono<Boolean>> write) {
    return get(type, id, what)
        .flatMap(
            current -> {
              if (ifMatch != null && !ifMatch.equals(etag(updatedAt.apply(current)))) {
                return Mono.error(stale(what, id));
              }
              Criteria stillCurrent =
                  Criteria.where("_id").is(id).and("updatedAt").is(updatedAt.apply(current));
              unchanged.apply(current).forEach((field, value) -> stillCurrent.and(field).is(value));
              return write
                  .apply(current, Query.query(stillCurrent))
                  .flatMap(
                      written ->
                          written
                              ? get(type, id, what)
                              : Mono.error(
                                  ifMatch != null ? stale(what, id) : new ConcurrentChange()));
            })
        .retryWhen(Retry.max(5).filter(ConcurrentChange.class::isInstance));
  }

  /** The 412 of a write whose {@code If-Match} is not the current tag of the thing. */
  public static PreconditionFailedException stale(String what, String id) {
    return new PreconditionFailedException(
        what + " '" + id + "' has changed since you read it: GET it again and retry with its ETag");
  }

  /** Another writer changed the document between our read and our write. */
  private static final class ConcurrentChange extends RuntimeException {
    ConcurrentChange() {
      super(null, null, false, false);
    }
  }

  public <D> Mono<D> insert(D document) {
    return mongo.insert(document);
  }

  /** Whether any document of {@code type} has {@code field} equal to {@code value}. */
  public Mono<Boolean> isReferenced(Class<?> type, String field, String value) {
    return mongo.exists(Query.query(Criteria.where(field).is(value)), type);
  }

  public Mono<Void> delete(Class<?> type, String id, String what) {
    return mongo
        .remove(Query.query(Criteria.where("_id").is(id)), type)
        .flatMap(
            r ->
                r.getDeletedCount() == 0
                    ? Mono.error(new NotFoundException(what, id))
                    : Mono.<Void>empty());
  }
}
