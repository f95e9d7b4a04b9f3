package io.cta.server.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.mongodb.client.result.DeleteResult;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.types.ObjectId;
import org.springframework.data.annotation.Id;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.mapping.Document;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The audit log's one store: the api writes an entry per change request, the consumer one per
 * secret served to an agent, and the api's audit endpoint reads them, newest first.
 */
@Component
public class AuditStore {

  /**
   * One audited action. Entries are listed newest first by {@code at}: ObjectIds only order within
   * one process (their time is in seconds, the rest is per process), and api and consumer both
   * write.
   *
   * @param resource the path's collection ({@code scenarios}, {@code executions}, …)
   * @param resourceId the id in the path, or for a create the id of what it created
   * @param status the HTTP status answered
   * @param executionId for a use of a secret by an agent (method {@code USE}, written by the
   *     consumer), the execution it was for; else null
   * @param testId with {@code executionId}, the test
   * @param attempt with {@code executionId}, the test's attempt
   */
  @Document(COLLECTION)
  public record AuditEntry(
      @Id String id,
      Instant at,
      String tokenId,
      String by,
      String role,
      String method,
      String path,
      String resource,
      String resourceId,
      int status,
      @JsonInclude(JsonInclude.Include.NON_NULL) String executionId,
      @JsonInclude(JsonInclude.Include.NON_NULL) String testId,
      @JsonInclude(JsonInclude.Include.NON_NULL) Integer attempt) {}

  public static final String COLLECTION = "audit";

  private final ReactiveMongoTemplate mongo;

  public AuditStore(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  public Mono<Void> append(List<AuditEntry> entries) {
    return entries.isEmpty() ? Mono.empty() : mongo.insertAll(entries).then();
  }

  /** Entries matching every filter given (null: any), newest first. */
  public Flux<AuditEntry> find(
      String by, String resource, String resourceId, long offset, int limit) {
    return mongo.find(
        Query.of(filter(by, resource, resourceId))
            .with(Sort.by(Sort.Direction.DESC, "at", "_id"))
            .skip(offset)
            .limit(limit),
        AuditEntry.class);
  }

  /**
   * Removes the entries written before {@code before}, and answers how many. Their ids are
   * ObjectIds (Spring stores a String id that is one as one), which sort by creation time: one
   * range on {@code _id}.
   */
  public Mono<Long> deleteWrittenBefore(Instant before) {
    ObjectId smallest = ObjectId.getSmallestWithDate(Date.from(before));
    return mongo
        .remove(Query.query(Criteria.where("_id").lt(smallest)), COLLECTION)
        .map(DeleteResult::getDeletedCount);
  }

  public Mono<Long> count(String by, String resource, String resourceId) {
    return mongo.count(filter(by, resource, resourceId), AuditEntry.class);
  }

  private static Query filter(String by, String resource, String resourceId) {
    Criteria criteria = new Criteria();
    if (by != null) {
      criteria = criteria.and("by").is(by);
    }
    if (resource != null) {
      criteria = criteria.and("resource").is(resource);
    }
    if (resourceId != null) {
      criteria = criteria.and("resourceId").is(resourceId);
    }
    return Query.query(criteria);
  }
}
