package io.cta.server.vm;

import java.time.Instant;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.annotation.Id;
import org.springframework.data.domain.Sort;
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
 * The VM manager's storage besides the pool definitions themselves (which {@code DefinitionStore}
 * writes like every definition): finding a pool by name or id, its machines, and its cap
 * (docs/vm-manager.md#caps).
 */
@Component
public class VmPoolStore {

  /** How many ended machines a pool's view shows besides its live ones. */
  public static final int ENDED_SHOWN = 20;

  /**
   * A pool's cap: the leases that hold one of its {@code maxMachines} places. Taking a place is one
   * conditional update of this document, so two consumers can never both take the last one.
   */
  @Document("vm-pool-caps")
  public record Cap(@Id String poolId, int held, List<String> holders) {

    public Cap {
      holders = holders == null ? List.of() : holders;
    }
  }

  private final ReactiveMongoTemplate mongo;

  public VmPoolStore(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  /** The pool with this name, else with this id; empty when neither exists. */
  public Mono<VmPoolDocument> find(String nameOrId) {
    return mongo
        .findOne(Query.query(Criteria.where("name").is(nameOrId)), VmPoolDocument.class)
        .switchIfEmpty(Mono.defer(() -> mongo.findById(nameOrId, VmPoolDocument.class)));
  }

  /** The pool's live machines, then its latest ended ones ({@link #ENDED_SHOWN} at most). */
  public Flux<VmMachineDocument> machines(String poolId) {
    List<VmMachineState> live = VmMachineState.LIVE;
    Query liveOnes =
        Query.query(Criteria.where("poolId").is(poolId).and("state").in(live))
            .with(Sort.by("createdAt", "_id"));
    Query ended =
        Query.query(Criteria.where("poolId").is(poolId).and("state").nin(live))
            .with(Sort.by(Sort.Direction.DESC, "updatedAt", "_id"))
            .limit(ENDED_SHOWN);
    return mongo
        .find(liveOnes, VmMachineDocument.class)
        .concatWith(mongo.find(ended, VmMachineDocument.class));
  }

  /** Whether any machine of the pool may still exist at its provider. */
  public Mono<Boolean> hasLiveMachines(String poolId) {
    List<VmMachineState> live = VmMachineState.LIVE;
    return mongo.exists(
        Query.query(Criteria.where("poolId").is(poolId).and("state").in(live)),
        VmMachineDocument.class);
  }

  /** Records a new machine; one recorded before (a retried activity) is left as it is. */
  public Mono<VmMachineDocument> insertMachine(VmMachineDocument machine) {
    return mongo
        .insert(machine)
        .onErrorResume(
            DuplicateKeyException.class,
            e -> mongo.findById(machine.id(), VmMachineDocument.class));
  }

  /**
   * Moves a machine to {@code state} (with its instance, execution and reason when given); an ended
   * machine never moves again. Empty when there is no such live machine.
   */
  public Mono<VmMachineDocument> moveMachine(
      String machineId,
      VmMachineState state,
      String instanceId,
      String executionId,
      String reason) {
    List<VmMachineState> live = VmMachineState.LIVE;
    Update update = new Update().set("state", state).set("updatedAt", Instant.now());
    if (instanceId != null) {
      update.set("instanceId", instanceId);
    }
    if (state == VmMachineState.leased || executionId != null) {
      update.set("executionId", executionId);
    }
    if (reason != null) {
      update.set("reason", reason);
    }
    return mongo.findAndModify(
        Query.query(Criteria.where("_id").is(machineId).and("state").in(live)),
        update,
        FindAndModifyOptions.options().returnNew(true),
        VmMachineDocument.class);
  }

  /**
   * Every machine whose agent registered and whose lease still counts on it ({@code ready} or
   * {@code leased}): the reconciler checks that their instances still exist. A scan of the live
   * machines, a few per pool.
   */
  public Flux<VmMachineDocument> runningMachines() {
    return mongo.find(
        Query.query(
            Criteria.where("state")
                .in(VmMachineState.ready, VmMachineState.leased)
                .and("instanceId")
                .ne(null)),
        VmMachineDocument.class);
  }

  /** Every machine that may still exist, of every pool: a few per pool, for the metrics. */
  public Flux<VmMachineDocument> liveMachines() {
    return mongo.find(
        Query.query(Criteria.where("state").in(VmMachineState.LIVE)), VmMachineDocument.class);
  }

  /** The machine of this name whose agent has not registered yet, if any. */
  public Mono<VmMachineDocument> creatingMachine(String name) {
    return mongo.findOne(
        Query.query(Criteria.where("machine").is(name).and("state").is(VmMachineState.creating)),
        VmMachineDocument.class);
  }

  public Mono<VmMachineDocument> findMachine(String machineId) {
    return mongo.findById(machineId, VmMachineDocument.class);
  }

  /**
   * Takes one of the pool's {@code max} places for the lease; true if it holds one now (also when
   * it already did).
   */
  public Mono<Boolean> takePlace(String poolId, String leaseId, int max) {
    return mongo
        .insert(new Cap(poolId, 0, List.of()))
        .onErrorResume(DuplicateKeyException.class, e -> Mono.empty())
        .then(
            mongo.updateFirst(
                Query.query(
                    Criteria.where("_id")
                        .is(poolId)
                        .and("held")
                        .lt(max)
                        .and("holders")
                        .ne(leaseId)),
                new Update().inc("held", 1).push("holders", leaseId),
                Cap.class))
        .flatMap(
            taken ->
                taken.getModifiedCount() > 0
                    ? Mono.just(true)
                    : mongo.exists(
                        Query.query(Criteria.where("_id").is(poolId).and("holders").is(leaseId)),
                        Cap.class));
  }

  /** Frees the lease's place; idempotent. */
  public Mono<Void> releasePlace(String poolId, String leaseId) {
    return mongo
        .updateFirst(
            Query.query(Criteria.where("_id").is(poolId).and("holders").is(leaseId)),
            new Update().inc("held", -1).pull("holders", leaseId),
            Cap.class)
        .then();
  }

  /** The leases holding a place of the pool. */
  public Mono<List<String>> placeHolders(String poolId) {
    return mongo.findById(poolId, Cap.class).map(Cap::holders).defaultIfEmpty(List.of());
  }
}
