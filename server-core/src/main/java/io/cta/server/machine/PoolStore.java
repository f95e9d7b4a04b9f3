package io.cta.server.machine;

import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.mapping.Document;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The pool queues of active selector executions. Every heartbeat answer lists the pools whose
 * selector the machine matches now, so a machine that comes online or starts matching during the
 * execution joins its pool, and one that stops matching leaves it. The collection holds one small
 * document per active selector execution; each consumer reads it at most once per {@link #FRESH}.
 */
@Component
public class PoolStore {

  static final Duration FRESH = Duration.ofMillis(500);

  /** A pool: its queue name is the id. */
  @Document("pools")
  public record Pool(@Id String queue, String executionId, String selector) {}

  private final ReactiveMongoTemplate mongo;
  private final Mono<List<Pool>> active;

  @Autowired
  public PoolStore(ReactiveMongoTemplate mongo) {
    this(mongo, FRESH);
  }

  /** With {@code fresh} zero every heartbeat answer reads the pools (tests). */
  public PoolStore(ReactiveMongoTemplate mongo, Duration fresh) {
    this.mongo = mongo;
    Mono<List<Pool>> read = mongo.findAll(Pool.class).collectList();
    this.active = fresh.isZero() ? read : read.cache(fresh);
  }

  public Mono<Void> open(Pool pool) {
    return mongo.save(pool).then();
  }

  public Mono<Void> close(String queue) {
    return mongo.remove(Query.query(Criteria.where("_id").is(queue)), Pool.class).then();
  }

  public Mono<List<Pool>> all() {
    return mongo.findAll(Pool.class).collectList();
  }

  /** The pool queues this machine should poll now: active pools whose selector it matches. */
  public Mono<List<String>> queuesFor(MachineDocument machine) {
    if (machine.draining()) {
      return Mono.just(List.of());
    }
    return active.map(
        pools ->
            pools.stream()
                .filter(
                    pool ->
                        Selector.parse(pool.selector()).matches(machine.effective().properties()))
                .map(Pool::queue)
                .toList());
  }
}
