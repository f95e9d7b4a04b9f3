package io.cta.api.scenario;

import io.cta.activities.ExecutionState;
import io.cta.api.execution.ExecutionView;
import io.cta.api.execution.ExecutionViews;
import io.cta.server.definition.ConfigurationDocument;
import io.cta.server.definition.ScenarioDocument;
import io.cta.server.definition.SuiteDocument;
import io.cta.server.execution.Counters;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.temporal.ExecutionWorkflows;
import io.cta.server.web.ApiException;
import io.cta.workflows.execution.ExecutionWorkflow;
import java.time.Instant;
import java.util.List;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Runs a scenario: stores a pending execution with snapshots of its suite and configuration, then
 * starts its workflow. If the start fails (Temporal unreachable), the execution stays pending and
 * the consumer's reconciler starts it later: MongoDB is written first, so nothing is lost.
 */
@Component
class ScenarioRunner {

  private static final Logger log = LoggerFactory.getLogger(ScenarioRunner.class);

  private final ReactiveMongoTemplate mongo;
  private final ExecutionStore executions;
  private final ExecutionWorkflows workflows;
  private final ExecutionViews views;

  ScenarioRunner(
      ReactiveMongoTemplate mongo,
      ExecutionStore executions,
      ExecutionWorkflows workflows,
      ExecutionViews views) {
    this.mongo = mongo;
    this.executions = executions;
    this.workflows = workflows;
    this.views = views;
  }

  Mono<ExecutionView> run(String scenarioId, RunRequest request, String requestedBy) {
    return nextNumber(scenarioId)
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("scenario", scenarioId)))
        .flatMap(
            scenario ->
                Mono.zip(
                        mongo
                            .findById(scenario.testSuiteId(), SuiteDocument.class)
                            .switchIfEmpty(
                                Mono.error(
                                    () ->
                                        ApiException.conflict(
                                            "the scenario's suite '"
                                                + scenario.testSuiteId()
                                                + "' no longer exists"))),
                        mongo
                            .findById(scenario.configurationId(), ConfigurationDocument.class)
                            .switchIfEmpty(
                                Mono.error(
                                    () ->
                                        ApiException.conflict(
                                            "the scenario's configuration '"
                                                + scenario.configurationId()
                                                + "' no longer exists"))))
                    .map(t -> newExecution(scenario, t.getT1(), t.getT2(), request, requestedBy)))
        .flatMap(executions::insert)
        .flatMap(
            execution ->
                workflows
                    .start(execution)
                    .onErrorResume(
                        e -> {
                          log.warn(
                              "could not start the workflow of execution {} now; the reconciler will: {}",
                              execution.id(),
                              e.toString());
                          return Mono.just(false);
                        })
                    .then(views.view(execution)));
  }

  /** Atomically takes the scenario's next execution number. */
  private Mono<ScenarioDocument> nextNumber(String scenarioId) {
    return mongo.findAndModify(
        Query.query(Criteria.where("_id").is(scenarioId)),
        new Update().inc("lastNumber", 1),
        FindAndModifyOptions.options().returnNew(true),
        ScenarioDocument.class);
  }

  private static ExecutionDocument newExecution(
      ScenarioDocument scenario,
      SuiteDocument suite,
      ConfigurationDocument configuration,
      RunRequest request,
      String requestedBy) {
    String id = new ObjectId().toHexString();
    return new ExecutionDocument(
        id,
        scenario.lastNumber(),
        scenario.id(),
        scenario.name(),
        ExecutionState.pending,
        null,
        Counters.ZERO,
        List.of(),
        Instant.now(),
        null,
        null,
        null,
        ExecutionWorkflow.workflowId(id),
        request.priority() == null ? 0 : request.priority(),
        request.reason(),
        requestedBy,
        scenario.pendingTimeout(),
        scenario.runningTimeout(),
        suite,
        configuration,
        null);
  }
}
