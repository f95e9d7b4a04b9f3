package io.cta.api.scenario;

import io.cta.server.definition.Concurrency;
import io.cta.server.definition.ConfigurationDocument;
import io.cta.server.definition.DefinitionStore;
import io.cta.server.definition.Notification;
import io.cta.server.definition.Retention;
import io.cta.server.definition.ScenarioDocument;
import io.cta.server.definition.SuiteDocument;
import io.cta.server.error.InvalidInputException;
import io.cta.server.error.NotFoundException;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** What a scenario request becomes: its references checked, its values validated and defaulted. */
@Component
class ScenarioRequests {

  private static final String WHAT = "scenario";

  private final DefinitionStore definitions;

  ScenarioRequests(DefinitionStore definitions) {
    this.definitions = definitions;
  }

  /**
   * The suite, configuration and chained scenarios a request names exist: else a 400 naming the
   * field.
   */
  Mono<Void> checkReferences(ScenarioRequest request, List<Notification> notifications) {
    Mono<SuiteDocument> suite =
        definitions
            .get(SuiteDocument.class, request.testSuiteId(), "suite")
            .onErrorMap(
                NotFoundException.class,
                e ->
                    new InvalidInputException(
                        "testSuiteId: suite '" + request.testSuiteId() + "' does not exist"));
    Mono<ConfigurationDocument> configuration =
        definitions
            .get(ConfigurationDocument.class, request.configurationId(), "configuration")
            .onErrorMap(
                NotFoundException.class,
                e ->
                    new InvalidInputException(
                        "configurationId: configuration '"
                            + request.configurationId()
                            + "' does not exist"));
    Mono<Void> chains =
        Flux.range(0, notifications.size())
            .filter(i -> notifications.get(i).scenarioId() != null)
            .concatMap(
                i ->
                    definitions
                        .get(ScenarioDocument.class, notifications.get(i).scenarioId(), WHAT)
                        .onErrorMap(
                            NotFoundException.class,
                            e ->
                                new InvalidInputException(
                                    "notifications["
                                        + i
                                        + "].scenarioId: scenario '"
                                        + notifications.get(i).scenarioId()
                                        + "' does not exist")))
            .then();
    return suite.then(configuration).then(chains);
  }

  private static Concurrency concurrency(Concurrency requested) {
    if (requested == null) {
      return null;
    }
    if (requested.max() < 1 || requested.max() > 1_000) {
      throw new InvalidInputException("concurrency.max: must be between 1 and 1000");
    }
    return new Concurrency(
        requested.max(),
        requested.whenFull() == null ? Concurrency.WhenFull.queue : requested.whenFull());
  }

  private static Retention retention(Retention requested) {
    String problem = requested == null ? null : requested.problem();
    if (problem != null) {
      throw new InvalidInputException(problem);
    }
    return requested;
  }

  /** The document a request stores, with the defaults filled in. */
  static ScenarioDocument document(
      String id,
      ScenarioRequest request,
      List<Notification> notifications,
      long lastNumber,
      Instant createdAt,
      Instant updatedAt) {
    return new ScenarioDocument(
        id,
        request.name(),
        request.description(),
        request.testSuiteId(),
        request.configurationId(),
        request.pendingTimeout() == null
            ? ScenarioRequest.DEFAULT_PENDING_TIMEOUT
            : request.pendingTimeout(),
        request.runningTimeout() == null
            ? ScenarioRequest.DEFAULT_RUNNING_TIMEOUT
            : request.runningTimeout(),
        request.retries() == null ? 0 : request.retries(),
        concurrency(request.concurrency()),
        notifications,
        retention(request.retention()),
        lastNumber,
        createdAt,
        updatedAt);
  }
}
