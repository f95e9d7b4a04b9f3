package io.cta.api.common;

import io.cta.server.web.ApiException;
import io.cta.server.web.PageRequest;
import io.cta.server.web.PageView;
import java.util.function.Function;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Reads and deletes of suites, configurations and scenarios, which all work the same way. */
@Component
public class Definitions {

  private final ReactiveMongoTemplate mongo;

  Definitions(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  public <D, V> Mono<PageView<V>> page(Class<D> type, PageRequest page, Function<D, V> view) {
    Query query = new Query().with(page.sort()).skip(page.offset()).limit(page.size());
    return mongo
        .find(query, type)
        .map(view)
        .collectList()
        .zipWith(mongo.count(new Query(), type))
        .map(t -> new PageView<>(t.getT1(), page.page(), page.size(), t.getT2()));
  }

  public <D> Mono<D> get(Class<D> type, String id, String what) {
    return mongo
        .findById(id, type)
        .switchIfEmpty(Mono.error(() -> ApiException.notFound(what, id)));
  }

  public <D> Mono<D> save(D document) {
    return mongo.save(document);
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
                    ? Mono.error(ApiException.notFound(what, id))
                    : Mono.<Void>empty());
  }
}
