package io.cta.api.execution;

import io.cta.activities.RunMode;
import io.cta.activities.TestStatus;
import io.cta.activities.notification.NotificationType;
import io.cta.server.definition.WebhookUrls;
import io.cta.server.execution.Counting;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.LogChunkDocument;
import io.cta.server.execution.ResultDocument;
import io.cta.server.execution.ResultStore;
import io.cta.server.execution.StateEventDocument;
import io.cta.server.history.Flakiness;
import io.cta.server.history.TestHistoryStore;
import io.cta.server.notification.Delivery;
import io.cta.server.notification.DeliveryStore;
import io.cta.server.security.CtaPrincipal;
import io.cta.server.web.PageView;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What an execution produced, read-only: its results (with flakiness), the JUnit report, its state
 * events and logs, and the delivery log of its notifications. Each answers 404 for an unknown
 * execution.
 */
// The tag springdoc gave these operations when they were ExecutionController's: the OpenAPI
// document groups them as before.
@Tag(name = "execution-controller")
@RestController
@RequestMapping(path = "/api/v1/executions", produces = MediaType.APPLICATION_JSON_VALUE)
class ExecutionResultsController {

  private final ExecutionStore executions;
  private final ResultStore results;
  private final DeliveryStore deliveries;
  private final TestHistoryStore history;

  ExecutionResultsController(
      ExecutionStore executions,
      ResultStore results,
      DeliveryStore deliveries,
      TestHistoryStore history) {
    this.executions = executions;
    this.results = results;
    this.deliveries = deliveries;
    this.history = history;
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
    TestStatus wanted =
        status == null ? null : ExecutionController.parse(TestStatus.class, "status", status);
    return executions
        .get(id)
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
   * The execution's counted results as a JUnit XML report: a {@code testsuite} per machine, a
   * {@code testcase} per result key with its final status (docs/results.md).
   */
  @GetMapping("/{id}/junit")
  Mono<ResponseEntity<byte[]>> junit(@PathVariable String id) {
    return executions
        .get(id)
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
    return executions
        .get(id)
        .flatMap(e -> deliveries.deliveries(id))
        .map(list -> full ? list : list.stream().map(ExecutionResultsController::redacted).toList())
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

  private <D, V> Mono<PageView<V>> all(
      String id, Function<String, Flux<D>> items, Function<D, V> view) {
    return executions
        .get(id)
        .flatMapMany(e -> items.apply(id))
        .map(view)
        .collectList()
        .map(PageView::all);
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
