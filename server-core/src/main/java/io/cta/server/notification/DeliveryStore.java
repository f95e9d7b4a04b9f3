package io.cta.server.notification;

import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.mapping.Document;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Each execution's notification deliveries: one document per execution, keyed by its id, so both
 * the append and the read are key lookups. It keeps the latest {@link #MAX_ENTRIES} entries (a
 * scenario has at most 10 notifications of at most 5 attempts each, so nothing is dropped in
 * practice).
 */
@Component
public class DeliveryStore {

  static final int MAX_ENTRIES = 200;

  @Document("deliveries")
  record DeliveryLogDocument(@Id String executionId, List<Delivery> deliveries) {}

  private final ReactiveMongoTemplate mongo;

  public DeliveryStore(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  public Mono<Void> append(String executionId, Delivery delivery) {
    return mongo
        .upsert(
            Query.query(Criteria.where("_id").is(executionId)),
            new Update().push("deliveries").slice(-MAX_ENTRIES).each(delivery),
            DeliveryLogDocument.class)
        .then();
  }

  /** Deletes the execution's delivery log (retention). */
  public Mono<Void> delete(String executionId) {
    return mongo
        .remove(Query.query(Criteria.where("_id").is(executionId)), DeliveryLogDocument.class)
        .then();
  }

  /** The execution's deliveries in the order they happened; empty when there were none. */
  public Mono<List<Delivery>> deliveries(String executionId) {
    return mongo
        .findById(executionId, DeliveryLogDocument.class)
        .map(DeliveryLogDocument::deliveries)
        .defaultIfEmpty(List.of());
  }
}
