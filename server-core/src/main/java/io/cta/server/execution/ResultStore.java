package io.cta.server.execution;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Results, log chunks and per-machine state events of executions. */
@Component
public class ResultStore {

  private final ReactiveMongoTemplate mongo;

  public ResultStore(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  /** Stores a result under its counting key; a later report of the same key replaces it. */
  public Mono<ResultDocument> save(ResultDocument result) {
    return mongo.save(result);
  }

  /** Inserts a document whose id is an idempotency key; false when that key was already stored. */
  public Mono<Boolean> insertOnce(Object document) {
    return mongo
        .insert(document)
        .thenReturn(true)
        .onErrorResume(DuplicateKeyException.class, duplicate -> Mono.just(false));
  }

  public Flux<ResultDocument> results(String executionId) {
    return mongo.find(
        byExecution(executionId).with(Sort.by("testId", "case", "attempt")), ResultDocument.class);
  }

  public Flux<LogChunkDocument> logs(String executionId) {
    return mongo.find(byExecution(executionId).with(Sort.by("at", "seq")), LogChunkDocument.class);
  }

  public Flux<StateEventDocument> states(String executionId) {
    return mongo.find(byExecution(executionId).with(Sort.by("at")), StateEventDocument.class);
  }

  private static Query byExecution(String executionId) {
    return Query.query(Criteria.where("executionId").is(executionId));
  }
}
