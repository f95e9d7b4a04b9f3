package io.cta.api.execution;

import io.cta.activities.ExecutionState;
import io.cta.activities.TestStatus;
import io.cta.server.error.ConflictException;
import io.cta.server.error.InvalidInputException;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionLifecycle;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.scenario.RerunSelection;
import io.cta.server.scenario.ScenarioRunner;
import io.cta.server.security.CtaPrincipal;
import io.cta.server.temporal.ExecutionWorkflows;
import io.cta.server.web.PageRequest;
import io.cta.server.web.PageView;
import io.cta.workflows.execution.CancelSignal;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Sort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Executions themselves: the list, one execution, rerun and cancel. What an execution produced
 * (results, JUnit, states, logs, notifications) is served by {@link ExecutionResultsController}.
 */
@RestController
@RequestMapping(path = "/api/v1/executions", produces = MediaType.APPLICATION_JSON_VALUE)
class ExecutionController {

  private static final Logger log = LoggerFactory.getLogger(ExecutionController.class);
  private static final Set<String> SORTABLE =
      Set.of("requestedAt", "number", "state", "finishedAt");

  private final ExecutionStore executions;
  private final ExecutionLifecycle lifecycle;
  private final RerunSelection reruns;
  private final ExecutionViews views;
  private final ExecutionWorkflows workflows;
  private final ScenarioRunner runner;

  ExecutionController(
      ExecutionStore executions,
      ExecutionLifecycle lifecycle,
      RerunSelection reruns,
      ExecutionViews views,
      ExecutionWorkflows workflows,
      ScenarioRunner runner) {
    this.executions = executions;
    this.lifecycle = lifecycle;
    this.reruns = reruns;
    this.views = views;
    this.workflows = workflows;
    this.runner = runner;
  }

  @GetMapping
  Mono<PageView<ExecutionView>> list(
      @RequestParam(required = false) String scenarioId,
      @RequestParam(required = false) String state,
      @RequestParam(required = false) String result,
      @RequestParam(required = false) String machine,
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(required = false) Integer page,
      @RequestParam(required = false) Integer size,
      @RequestParam(required = false) String sort) {
    PageRequest paging =
        PageRequest.of(page, size, sort, SORTABLE, Sort.by(Sort.Direction.DESC, "requestedAt"));
    ExecutionStore.ListFilter filter =
        new ExecutionStore.ListFilter(
            scenarioId,
            state == null ? null : parse(ExecutionState.class, "state", state),
            result == null ? null : parse(TestStatus.class, "result", result),
            machine,
            from == null ? null : instant("from", from),
            to == null ? null : instant("to", to));
    return PageView.of(
        paging,
        executions.list(filter, paging.sort(), paging.offset(), paging.size()).map(views::summary),
        executions.count(filter));
  }

  @GetMapping("/{id}")
  Mono<ExecutionView> get(@PathVariable String id) {
    return executions.get(id).flatMap(views::view);
  }

  /**
   * Runs the ended execution again as a new execution of its scenario (see {@link
   * ScenarioRunner#rerun}), linked to it by {@code rerunOf}; with {@code onlyFailed}, only the
   * tests whose final status is not ok or that have no result. 409 while the original is pending or
   * running; 400 when {@code onlyFailed} leaves nothing to run.
   */
  @PostMapping("/{id}/rerun")
  Mono<ResponseEntity<ExecutionView>> rerun(
      @PathVariable String id,
      @Valid @RequestBody(required = false) RerunRequest request,
      ServerWebExchange exchange) {
    boolean onlyFailed = request != null && Boolean.TRUE.equals(request.onlyFailed());
    String by = CtaPrincipal.of(exchange).displayName();
    return executions
        .get(id)
        .flatMap(
            original -> {
              if (!original.state().isTerminal()) {
                return Mono.error(
                    new ConflictException(
                        "execution '"
                            + id
                            + "' is still "
                            + original.state()
                            + ": rerun it once it has ended"));
              }
              return executions
                  .snapshot(id)
                  .switchIfEmpty(
                      Mono.error(
                          () ->
                              new ConflictException(
                                  "execution '" + id + "' has no suite snapshot to run again")))
                  .flatMap(
                      snapshot ->
                          onlyFailed
                              ? reruns.failedPart(original, snapshot)
                              : Mono.just(snapshot.suite()))
                  .flatMap(
                      suite ->
                          runner.rerun(
                              original,
                              suite,
                              new ScenarioRunner.Run(
                                  null,
                                  original.priority(),
                                  request == null ? null : request.reason(),
                                  by,
                                  0)));
            })
        .flatMap(views::view)
        .map(
            view ->
                ResponseEntity.created(URI.create("/api/v1/executions/" + view.id())).body(view));
  }

  /**
   * Pending or running: records who asked and why, tells the workflow, answers 202. Already
   * canceled: 200. Finished, timed out or failed: 409.
   */
  @ApiResponse(responseCode = "202", description = "Cancel requested")
  @ApiResponse(responseCode = "200", description = "Already canceled")
  @ApiResponse(
      responseCode = "409",
      description = "The execution already ended (finished, timeout or error)")
  @PostMapping("/{id}/cancel")
  Mono<ResponseEntity<ExecutionView>> cancel(
      @PathVariable String id,
      @Valid @RequestBody(required = false) CancelRequest request,
      ServerWebExchange exchange) {
    String by = CtaPrincipal.of(exchange).displayName();
    String reason = request == null ? null : request.reason();
    return executions
        .get(id)
        .flatMap(
            execution -> {
              if (execution.state() == ExecutionState.canceled) {
                return views.view(execution).map(ResponseEntity::ok);
              }
              if (execution.state().isTerminal()) {
                return Mono.error(
                    new ConflictException(
                        "execution '" + id + "' already ended " + execution.state()));
              }
              return lifecycle
                  .requestCancel(id, new ExecutionDocument.Cancellation(by, reason, Instant.now()))
                  .then(
                      workflows
                          .cancel(id, new CancelSignal(by, reason))
                          .onErrorResume(
                              e -> {
                                log.warn(
                                    "could not signal cancel to execution {}: {}",
                                    id,
                                    e.toString());
                                return Mono.empty();
                              }))
                  .then(executions.get(id))
                  .flatMap(views::view)
                  .map(view -> ResponseEntity.status(HttpStatus.ACCEPTED).body(view));
            });
  }

  /** A query parameter's enum value; 400 when it names none. */
  static <E extends Enum<E>> E parse(Class<E> type, String field, String value) {
    try {
      return Enum.valueOf(type, value);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          field + ": '" + value + "' is not one of " + List.of(type.getEnumConstants()));
    }
  }

  private static Instant instant(String field, String value) {
    try {
      Instant instant = Instant.parse(value);
      instant.toEpochMilli(); // MongoDB stores milliseconds since the epoch in a long
      return instant;
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new InvalidInputException(
          field + ": expected an ISO-8601 UTC instant such as 2026-01-31T12:00:00Z");
    }
  }
}
