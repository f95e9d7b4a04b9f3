package io.cta.server.config;

import io.cta.server.audit.AuditStore;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.SuiteSnapshot;
import io.cta.server.machine.MachineDocument;
import io.cta.server.scenario.ImportDocument;
import io.cta.server.scenario.ImportStore;
import io.cta.server.security.TokenDocument;
import io.cta.server.vm.VmMachineDocument;
import io.cta.server.vm.VmPoolDocument;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * Every index CTA's queries use, declared in one place (docs/architecture.md lists which query uses
 * which). The embedded server enforces unique indexes but ignores the others; they matter on a real
 * MongoDB.
 */
@Component
public class MongoIndexes implements InitializingBean {

  private final ReactiveMongoTemplate mongo;

  public MongoIndexes(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  @Override
  public void afterPropertiesSet() {
    Flux.concat(
            mongo.indexOps(TokenDocument.class).createIndex(unique("hash")),
            mongo.indexOps(MachineDocument.class).createIndex(unique("name")),
            mongo.indexOps(VmPoolDocument.class).createIndex(unique("name")),
            mongo
                .indexOps(VmMachineDocument.class)
                .createIndex(
                    new Index()
                        .on("poolId", Sort.Direction.ASC)
                        .on("state", Sort.Direction.ASC)
                        .on("createdAt", Sort.Direction.ASC)
                        .named("pool_state_createdAt")),
            mongo
                .indexOps(VmMachineDocument.class)
                .createIndex(new Index().on("machine", Sort.Direction.ASC).named("machine")),
            mongo
                .indexOps(ExecutionDocument.class)
                .createIndex(
                    new Index()
                        .on("scenarioId", Sort.Direction.ASC)
                        .on("number", Sort.Direction.DESC)
                        .unique()
                        .named("scenario_number")),
            mongo
                .indexOps(ExecutionDocument.class)
                .createIndex(
                    new Index()
                        .on("state", Sort.Direction.ASC)
                        .on("requestedAt", Sort.Direction.ASC)
                        .named("state_requestedAt")),
            mongo
                .indexOps(ExecutionDocument.class)
                .createIndex(
                    new Index()
                        .on("scenarioId", Sort.Direction.ASC)
                        .on("requestedAt", Sort.Direction.ASC)
                        .named("scenario_requestedAt")),
            mongo
                .indexOps(ExecutionDocument.class)
                .createIndex(new Index().on("requestedAt", Sort.Direction.DESC)),
            // Sparse: only the few executions whose notifications are still owed carry the field.
            mongo
                .indexOps(ExecutionDocument.class)
                .createIndex(
                    new Index()
                        .on(ExecutionStore.NOTIFY_PENDING, Sort.Direction.ASC)
                        .sparse()
                        .named("notifyPending")),
            mongo
                .indexOps(AuditStore.AuditEntry.class)
                .createIndex(new Index().on("at", Sort.Direction.DESC).named("at")),
            mongo
                .indexOps(SuiteSnapshot.class)
                .createIndex(
                    new Index()
                        .on(ExecutionStore.SNAPSHOT_UNCLAIMED, Sort.Direction.ASC)
                        .sparse()
                        .named("unclaimedSince")),
            // Retention deletes an execution's import journal by it; unique, so the embedded
            // server keeps it too.
            mongo.indexOps(ImportDocument.class).createIndex(unique("executionId")),
            // Sparse: only imports that have not completed carry the field.
            mongo
                .indexOps(ImportDocument.class)
                .createIndex(
                    new Index()
                        .on(ImportStore.UNFINISHED_SINCE, Sort.Direction.ASC)
                        .sparse()
                        .named("unfinishedSince")))
        .blockLast();
  }

  private static Index unique(String field) {
    return new Index().on(field, Sort.Direction.ASC).unique();
  }
}
