package io.cta.api.scenario;

import io.cta.activities.schedule.ScheduleSpec;
import io.cta.server.definition.DefinitionStore;
import io.cta.server.error.InvalidInputException;
import io.cta.server.error.NotFoundException;
import io.cta.server.scenario.ScheduleDocument;
import io.cta.server.scenario.ScheduleStore;
import io.cta.server.temporal.ScheduleWorkflows;
import io.cta.workflows.schedule.FireTimes;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Changes to schedules: MongoDB first, then the schedule workflow is told. If Temporal cannot be
 * reached, the change is kept and the consumer's reconciler brings the workflow in line later.
 */
@Component
class Schedules {

  private static final Logger log = LoggerFactory.getLogger(Schedules.class);

  private static final String WHAT = "schedule of scenario";

  /** The latest fixed instant a schedule accepts. */
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  private final ScheduleStore store;
  private final ScheduleWorkflows workflows;

  Schedules(ScheduleStore store, ScheduleWorkflows workflows) {
    this.store = store;
    this.workflows = workflows;
  }

  /** Validates the request; throws a 400 naming the bad field. */
  static void validate(ScheduleRequest request) {
    if (request.at() != null && request.at().isAfter(LATEST)) {
      throw new InvalidInputException("schedule.at: must be at most " + LATEST);
    }
    String problem = FireTimes.problem(request.toSpec(), Instant.now().toEpochMilli());
    if (problem != null) {
      throw new InvalidInputException(problem);
    }
  }

  /** The schedule's view, or empty when the scenario has none. */
  Mono<ScheduleView> find(String scenarioId) {
    return store.find(scenarioId).map(d -> ScheduleView.of(d, Instant.now()));
  }

  Mono<ScheduleView> get(String scenarioId) {
    return store
        .find(scenarioId)
        .switchIfEmpty(Mono.error(() -> new NotFoundException(WHAT, scenarioId)))
        .map(d -> ScheduleView.of(d, Instant.now()));
  }

  Mono<ScheduleView> put(String scenarioId, ScheduleRequest request) {
    return put(scenarioId, request, null);
  }

  /**
   * Sets the spec. An existing schedule changes under the definitions' optimistic concurrency
   * ({@code If-Match} as on suites); a missing one is created, unless an {@code If-Match} expected
   * one (412).
   */
  Mono<ScheduleView> put(String scenarioId, ScheduleRequest request, String ifMatch) {
    validate(request);
    ScheduleSpec spec = request.toSpec();
    Instant now = Instant.now();
    return store
        .find(scenarioId)
        .hasElement()
        .flatMap(
            exists -> {
              if (exists) {
                return store.changeSpec(scenarioId, spec, now, ifMatch, WHAT);
              }
              return ifMatch != null
                  ? Mono.error(DefinitionStore.stale(WHAT, scenarioId))
                  : store.put(scenarioId, spec, now);
            })
        .flatMap(d -> tell(d, ScheduleWorkflows.Signal.update));
  }

  Mono<ScheduleView> pause(String scenarioId, boolean paused) {
    return store
        .setPaused(scenarioId, paused, Instant.now())
        .switchIfEmpty(Mono.error(() -> new NotFoundException(WHAT, scenarioId)))
        .flatMap(
            d ->
                tell(d, paused ? ScheduleWorkflows.Signal.pause : ScheduleWorkflows.Signal.resume));
  }

  Mono<ScheduleView> trigger(String scenarioId) {
    return store
        .find(scenarioId)
        .switchIfEmpty(Mono.error(() -> new NotFoundException(WHAT, scenarioId)))
        .flatMap(d -> workflows.signal(d, ScheduleWorkflows.Signal.trigger).thenReturn(d))
        .map(d -> ScheduleView.of(d, Instant.now()));
  }

  /** Deletes the schedule and stops its workflow; a deleted schedule never fires again. */
  Mono<Boolean> delete(String scenarioId) {
    return store
        .delete(scenarioId)
        .flatMap(
            deleted ->
                workflows
                    .stop(scenarioId)
                    .onErrorResume(
                        e -> {
                          // Its next fire finds no schedule and ends the workflow.
                          log.warn(
                              "could not stop the schedule of {}: {}", scenarioId, e.toString());
                          return Mono.empty();
                        })
                    .thenReturn(deleted));
  }

  private Mono<ScheduleView> tell(ScheduleDocument schedule, ScheduleWorkflows.Signal signal) {
    return workflows
        .signal(schedule, signal)
        .onErrorResume(
            e -> {
              log.warn(
                  "could not signal the schedule of {} now; the reconciler will: {}",
                  schedule.scenarioId(),
                  e.toString());
              return Mono.empty();
            })
        .thenReturn(ScheduleView.of(schedule, Instant.now()));
  }
}
