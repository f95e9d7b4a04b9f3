package io.cta.server.scenario;

import java.time.Instant;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.mapping.Document;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A fair semaphore per scenario for its concurrency limit: one document holding the executions that
 * hold a slot and those waiting for one, in request order. Taking a slot is a single-document
 * conditional update, so two executions can never both take the last slot (on the embedded server
 * as on a replica set), and a slot that frees goes to the earliest request, not the luckiest retry.
 */
@Component
public class SlotStore {

  /**
   * @param waiting tickets {@code <requestedAt epoch ms, 15 digits>/<execution id>}: their string
   *     order is request order
   */
  @Document("scenario-slots")
  public record Slots(@Id String scenarioId, int held, List<String> holders, List<String> waiting) {

    public Slots {
      holders = holders == null ? List.of() : holders;
      waiting = waiting == null ? List.of() : waiting;
    }
  }

  private final ReactiveMongoTemplate mongo;

  public SlotStore(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  /** Puts the execution in line for a slot, so that later requests cannot overtake it. */
  public Mono<Void> enqueue(String scenarioId, String executionId, Instant requestedAt) {
    return ensureExists(scenarioId)
        .then(
            mongo.updateFirst(
                Query.query(Criteria.where("_id").is(scenarioId)),
                new Update().addToSet("waiting", ticket(executionId, requestedAt)),
                Slots.class))
        .then();
  }

  /**
   * Takes a slot for the execution if one is free and no earlier request waits for it; true if it
   * holds one now (also when it already did). An execution that gets none stays in line.
   */
  public Mono<Boolean> acquire(
      String scenarioId, String executionId, Instant requestedAt, int max) {
    String ticket = ticket(executionId, requestedAt);
    return enqueue(scenarioId, executionId, requestedAt)
        .then(mongo.findById(scenarioId, Slots.class))
        .flatMap(
            slots -> {
              if (slots.holders().contains(executionId)) {
                return Mono.just(true);
              }
              int free = max - slots.held();
              long ahead = slots.waiting().stream().filter(w -> w.compareTo(ticket) < 0).count();
              if (free <= 0 || ahead >= free) {
                return Mono.just(false);
              }
              Query stillFree =
                  Query.query(
                      Criteria.where("_id")
                          .is(scenarioId)
                          .and("held")
                          .lt(max)
                          .and("holders")
                          .ne(executionId));
              return mongo
                  .updateFirst(
                      stillFree,
                      new Update()
                          .inc("held", 1)
                          .push("holders", executionId)
                          .pull("waiting", ticket),
                      Slots.class)
                  .map(update -> update.getModifiedCount() > 0);
            });
  }

  /** Frees the execution's slot, or takes it out of the line; idempotent. */
  public Mono<Void> release(String scenarioId, String executionId, Instant requestedAt) {
    Query scenario = Query.query(Criteria.where("_id").is(scenarioId));
    return mongo
        .updateFirst(
            Query.query(Criteria.where("_id").is(scenarioId).and("holders").is(executionId)),
            new Update().inc("held", -1).pull("holders", executionId),
            Slots.class)
        .then(
            mongo.updateFirst(
                scenario,
                new Update().pull("waiting", ticket(executionId, requestedAt)),
                Slots.class))
        .then();
  }

  /** The executions holding a slot of the scenario. */
  public Mono<List<String>> holders(String scenarioId) {
    return mongo.findById(scenarioId, Slots.class).map(Slots::holders).defaultIfEmpty(List.of());
  }

  /** Every limited scenario's slots (one small document per scenario with a limit). */
  public Flux<Slots> all() {
    return mongo.findAll(Slots.class);
  }

  /** The execution id in a waiting ticket. */
  public static String executionOf(String ticket) {
    return ticket.substring(ticket.indexOf('/') + 1);
  }

  /** The request instant in a waiting ticket. */
  public static Instant requestedAtOf(String ticket) {
    return Instant.ofEpochMilli(Long.parseLong(ticket.substring(0, ticket.indexOf('/'))));
  }

  private static String ticket(String executionId, Instant requestedAt) {
    return String.format("%015d/%s", requestedAt.toEpochMilli(), executionId);
  }

  private Mono<Void> ensureExists(String scenarioId) {
    return mongo
        .insert(new Slots(scenarioId, 0, List.of(), List.of()))
        .onErrorResume(DuplicateKeyException.class, e -> Mono.empty())
        .then();
  }
}
