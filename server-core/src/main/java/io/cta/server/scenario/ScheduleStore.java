package io.cta.server.scenario;

import io.cta.activities.schedule.ScheduleSpec;
import io.cta.server.definition.DefinitionStore;
import java.time.Instant;
import java.util.List;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Schedules in MongoDB, keyed by scenario id; every change is one single-document update. */
@Component
public class ScheduleStore {

  private final ReactiveMongoTemplate mongo;

  /** The optimistic concurrency of the definitions, which a change of spec shares. */
  private final DefinitionStore versions;

  public ScheduleStore(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
    this.versions = new DefinitionStore(mongo);
  }

  public Mono<ScheduleDocument> find(String scenarioId) {
    return mongo.findById(scenarioId, ScheduleDocument.class);
  }

  /** Schedules whose workflow should be running (the reconciler's list). */
  public Flux<ScheduleDocument> findLive() {
    return mongo.find(Query.query(Criteria.where("done").is(false)), ScheduleDocument.class);
  }

  /** Sets the spec (creating the schedule if needed); a new spec starts from now, not done. */
  public Mono<ScheduleDocument> put(String scenarioId, ScheduleSpec spec, Instant now) {
    return mongo.findAndModify(
        byId(scenarioId),
        newSpec(spec, now, now).setOnInsert("paused", false).setOnInsert("events", List.of()),
        FindAndModifyOptions.options().upsert(true).returnNew(true),
        ScheduleDocument.class);
  }

  /**
   * Gives an existing schedule a new spec, starting from now, not done, under the definitions'
   * optimistic concurrency ({@link DefinitionStore#update}: {@code ifMatch} as on suites).
   */
  public Mono<ScheduleDocument> changeSpec(
      String scenarioId, ScheduleSpec spec, Instant now, String ifMatch, String what) {
    return versions.update(
        ScheduleDocument.class,
        scenarioId,
        what,
        ifMatch,
        ScheduleDocument::updatedAt,
        old -> newSpec(spec, now, DefinitionStore.nextUpdate(old.updatedAt())));
  }

  /** The update that gives a schedule a new spec, starting from now, not done. */
  private static Update newSpec(ScheduleSpec spec, Instant now, Instant updatedAt) {
    return new Update()
        .set("spec", spec)
        .set("done", false)
        .set("cursor", now)
        .set("updatedAt", updatedAt);
  }

  public Mono<ScheduleDocument> setPaused(String scenarioId, boolean paused, Instant now) {
    return mongo.findAndModify(
        byId(scenarioId),
        new Update().set("paused", paused).set("updatedAt", now),
        FindAndModifyOptions.options().returnNew(true),
        ScheduleDocument.class);
  }

  public Mono<Boolean> delete(String scenarioId) {
    return mongo.remove(byId(scenarioId), ScheduleDocument.class).map(r -> r.getDeletedCount() > 0);
  }

  /** Records what a fire did and moves the cursor; a started fixed-instant schedule is done. */
  public Mono<Void> record(String scenarioId, ScheduleDocument.Event event, boolean done) {
    Update update =
        new Update()
            .max("cursor", event.scheduledAt())
            .push("events")
            .slice(-ScheduleDocument.MAX_EVENTS)
            .each(event);
    if (event.kind().equals("started")) {
      update.set("lastFireAt", event.scheduledAt()).set("lastExecutionId", event.executionId());
    }
    if (done) {
      update.set("done", true);
    }
    return mongo.updateFirst(byId(scenarioId), update, ScheduleDocument.class).then();
  }

  /**
   * Forgets a deleted execution (retention): the fires it came from stay listed, without its id.
   * Each a single-document update, so a fire recorded meanwhile is never lost.
   */
  public Mono<Void> forget(String scenarioId, String executionId) {
    return mongo
        .updateFirst(
            Query.query(
                Criteria.where("_id").is(scenarioId).and("lastExecutionId").is(executionId)),
            new Update().set("lastExecutionId", null),
            ScheduleDocument.class)
        .then(
            mongo.updateFirst(
                Query.query(
                    Criteria.where("_id").is(scenarioId).and("events.executionId").is(executionId)),
                new Update()
                    .set("events.$[e].executionId", null)
                    .filterArray(Criteria.where("e.executionId").is(executionId)),
                ScheduleDocument.class))
        .then();
  }

  private static Query byId(String scenarioId) {
    return Query.query(Criteria.where("_id").is(scenarioId));
  }
}
