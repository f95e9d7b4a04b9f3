package io.cta.api.execution;

import io.cta.activities.ExecutionState;
import io.cta.activities.RunMode;
import io.cta.activities.TestStatus;
import io.cta.activities.notification.NotificationType;
import io.cta.server.definition.SuiteDocument;
import io.cta.server.definition.TestDefinition;
import io.cta.server.definition.WebhookUrls;
import io.cta.server.error.ConflictException;
import io.cta.server.error.InvalidInputException;
import io.cta.server.error.NotFoundException;
import io.cta.server.execution.Counting;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionLifecycle;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.LogChunkDocument;
import io.cta.server.execution.ResultDocument;
import io.cta.server.execution.ResultStore;
import io.cta.server.execution.StateEventDocument;
import io.cta.server.execution.SuiteSnapshot;
import io.cta.server.history.Flakiness;
import io.cta.server.history.TestHistoryStore;
import io.cta.server.notification.Delivery;
import io.cta.server.notification.DeliveryLog;
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
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping(path = "/api/v1/executions", produces = MediaType.APPLICATION_JSON_VALUE)
class ExecutionController {

  private static final Logger log = LoggerFactory.getLogger(ExecutionController.class);
  private static final Set<String> SORTABLE =
      Set.of("requestedAt", "number", "state", "finishedAt");

  private final ExecutionStore executions;
  private final ExecutionLifecycle lifecycle;
  private final ResultStore results;
  private final ExecutionViews views;
  private final ExecutionWorkflows workflows;
  private final DeliveryLog deliveries;
  private final TestHistoryStore history;
  private final ScenarioRunner runner;

  ExecutionController(
      ExecutionStore executions,
      ExecutionLifecycle lifecycle,
      ResultStore results,
      ExecutionViews views,
      ExecutionWorkflows workflows,
      DeliveryLog deliveries,
      TestHistoryStore history,
      ScenarioRunner runner) {
    this.executions = executions;
    this.lifecycle = lifecycle;
    this.results = results;
    this.views = views;
    this.workflows = workflows;
    this.deliveries = deliveries;
    this.history = history;
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
    // Every value is bound as a typed literal, never parsed as a query: no operator injection.
    Criteria criteria = new Criteria();
    if (scenarioId != null) {
      criteria = criteria.and("scenarioId").is(scenarioId);
    }
    if (state != null) {
      criteria = criteria.and("state").is(parse(ExecutionState.class, "state", state));
    }
    if (result != null) {
      criteria = criteria.and("result").is(parse(TestStatus.class, "result", result));
    }
    if (machine != null) {
      criteria = criteria.and("machines.name").is(machine);
    }
    if (from != null || to != null) {
      Criteria requested = criteria.and("requestedAt");
      if (from != null) {
        requested.gte(instant("from", from));
      }
      if (to != null) {
        requested.lt(instant("to", to));
      }
    }
    Query query = Query.query(criteria);
    return executions
        .find(Query.of(query).with(paging.sort()).skip(paging.offset()).limit(paging.size()))
        .map(views::summary)
        .collectList()
        .zipWith(executions.count(query))
        .map(t -> new PageView<>(t.getT1(), paging.page(), paging.size(), t.getT2()));
  }

  @GetMapping("/{id}")
  Mono<ExecutionView> get(@PathVariable String id) {
    return find(id).flatMap(views::view);
  }

  /**
   * The execution's results, every attempt, each with {@code flaky} (it passed only on a retry in
   * this execution) and its test's {@code flakiness} and {@code flakyHistory} over the test's
   * recent executions (read by key from the test history, once per distinct test).
   */
  @GetMapping("/{id}/results")
  Mono<PageView<ResultView>> results(
      @PathVariable String id,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) String machine) {
    TestStatus wanted = status == null ? null : parse(TestStatus.class, "status", status);
    return find(id)
        .flatMap(
            e -> results.results(id).collectList().flatMap(all -> views(e, all, wanted, machine)))
        .map(PageView::all);
  }

  private Mono<List<ResultView>> views(
      ExecutionDocument execution, List<ResultDocument> all, TestStatus wanted, String machine) {
    List<ResultDocument> shown =
        all.stream()
            .filter(r -> wanted == null || r.status() == wanted)
            .filter(r -> machine == null || machine.equals(r.machine()))
            .toList();
    Set<String> flaky = Counting.flaky(all, execution.configuration().runMode() == RunMode.stress);
    return flakiness(execution.id(), shown)
        .map(
            byTest ->
                shown.stream()
                    .map(r -> ResultView.of(r, flaky.contains(r.id()), byTest.get(r.testId())))
                    .toList());
  }

  /** The history's flakiness of each test among these results; empty without history. */
  private Mono<Map<String, Flakiness>> flakiness(String executionId, List<ResultDocument> shown) {
    if (shown.isEmpty()) {
      return Mono.just(Map.of());
    }
    return executions
        .suiteId(executionId)
        .flatMap(
            suiteId ->
                history.flakiness(
                    suiteId, shown.stream().map(ResultDocument::testId).distinct().toList()))
        .defaultIfEmpty(Map.of());
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
    return find(id)
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
                          onlyFailed ? failedPart(original, snapshot) : Mono.just(snapshot.suite()))
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

  /** The tests of the original's suite whose final status is not ok, or that have no result. */
  private Mono<SuiteDocument> failedPart(ExecutionDocument original, SuiteSnapshot snapshot) {
    SuiteDocument suite = snapshot.suite();
    return results
        .results(original.id())
        .collectList()
        .map(
            stored -> {
              Set<String> ok =
                  Counting.okTests(stored, original.configuration().runMode() == RunMode.stress);
              List<TestDefinition> failed =
                  suite.tests().stream().filter(t -> !ok.contains(t.id())).toList();
              if (failed.isEmpty()) {
                throw new InvalidInputException(
                    "onlyFailed: every test of execution '"
                        + original.id()
                        + "' ended ok; there is nothing to rerun");
              }
              return new SuiteDocument(
                  suite.id(),
                  suite.name(),
                  suite.description(),
                  failed,
                  suite.createdAt(),
                  suite.updatedAt());
            });
  }

  /**
   * The execution's counted results as a JUnit XML report: a {@code testsuite} per machine, a
   * {@code testcase} per result key with its final status (docs/results.md).
   */
  @GetMapping("/{id}/junit")
  Mono<ResponseEntity<byte[]>> junit(@PathVariable String id) {
    return find(id)
        .flatMap(
            e ->
                results
                    .results(id)
                    .collectList()
                    .map(
                        stored ->
                            ResponseEntity.ok()
                                .contentType(MediaType.APPLICATION_XML)
                                .body(JunitReport.of(e, stored))));
  }

  @GetMapping("/{id}/states")
  Mono<PageView<StateEventDocument>> states(@PathVariable String id) {
    return all(id, results::states, Function.identity());
  }

  @GetMapping("/{id}/logs")
  Mono<PageView<LogView>> logs(@PathVariable String id) {
    return all(id, results::logs, LogView::of);
  }

  /**
   * The delivery log of the execution's notifications, oldest first: each attempt (delivered or
   * failed, with the receiver's HTTP status or the error, and a chained execution's id) and each
   * notification abandoned after its last attempt (docs/notifications.md). A viewer sees each
   * webhook's target redacted, as in the scenario (docs/security.md).
   */
  @GetMapping("/{id}/notifications")
  Mono<PageView<Delivery>> notifications(@PathVariable String id, ServerWebExchange exchange) {
    boolean full = WebhookUrls.shownWhole(CtaPrincipal.of(exchange).role());
    return find(id)
        .flatMap(e -> deliveries.deliveries(id))
        .map(list -> full ? list : list.stream().map(ExecutionController::redacted).toList())
        .map(PageView::all);
  }

  private static Delivery redacted(Delivery d) {
    return d.type() != NotificationType.webhook
        ? d
        : new Delivery(
            d.notification(),
            d.type(),
            WebhookUrls.redact(d.target()),
            d.attempt(),
            d.status(),
            d.statusCode(),
            d.error(),
            d.chainedExecutionId(),
            d.at());
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
    return find(id)
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
                  .then(find(id))
                  .flatMap(views::view)
                  .map(view -> ResponseEntity.status(HttpStatus.ACCEPTED).body(view));
            });
  }

  private Mono<ExecutionDocument> find(String id) {
    return executions
        .findById(id)
        .switchIfEmpty(Mono.error(() -> new NotFoundException("execution", id)));
  }

  private <D, V> Mono<PageView<V>> all(
      String id, Function<String, Flux<D>> items, Function<D, V> view) {
    return find(id).flatMapMany(e -> items.apply(id)).map(view).collectList().map(PageView::all);
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String field, String value) {
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

  /** A chunk of a stage's output. */
  record LogView(
      String testId,
      String machine,
      int attempt,
      String stage,
      String stream,
      long seq,
      String text,
      Instant at) {
    static LogView of(LogChunkDocument d) {
      return new LogView(
          d.testId(), d.machine(), d.attempt(), d.stage(), d.stream(), d.seq(), d.text(), d.at());
    }
  }
}
