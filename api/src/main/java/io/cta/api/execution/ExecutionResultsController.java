package io.cta.api.execution;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cta.activities.RunMode;
import io.cta.activities.TestStatus;
import io.cta.activities.notification.NotificationType;
import io.cta.server.definition.WebhookUrls;
import io.cta.server.error.InvalidInputException;
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
import io.cta.server.web.PageRequest;
import io.cta.server.web.PageView;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.springframework.data.domain.Sort;
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
   * recent executions (read by key from the test history, once per distinct test). With {@code
   * page} or {@code size}, one page of them; without, all of them on one page, as before paging
   * (docs/results.md).
   */
  @GetMapping("/{id}/results")
  Mono<PageView<ResultView>> results(
      @PathVariable String id,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) String machine,
      @RequestParam(required = false) String test,
      @RequestParam(required = false) Integer page,
      @RequestParam(required = false) Integer size) {
    TestStatus wanted =
        status == null ? null : ExecutionController.parse(TestStatus.class, "status", status);
    PageRequest paging =
        page == null && size == null
            ? null
            : PageRequest.of(page, size, null, Set.of(), Sort.unsorted());
    return executions
        .get(id)
        .flatMap(
            e ->
                results
                    .results(id)
                    .collectList()
                    .flatMap(all -> views(e, all, wanted, machine, test, paging)));
  }

  /**
   * The results that pass the filters, paged in memory: flakiness within the execution needs every
   * attempt of a key anyway, and the history is read only for the page's tests.
   */
  private Mono<PageView<ResultView>> views(
      ExecutionDocument execution,
      List<ResultDocument> all,
      TestStatus wanted,
      String machine,
      String test,
      PageRequest paging) {
    List<ResultDocument> matching =
        all.stream()
            .filter(r -> wanted == null || r.status() == wanted)
            .filter(r -> machine == null || machine.equals(r.machine()))
            .filter(r -> test == null || test.equals(r.testId()))
            .toList();
    List<ResultDocument> shown =
        paging == null
            ? matching
            : matching.subList(
                (int) Math.min(paging.offset(), matching.size()),
                (int) Math.min(paging.offset() + paging.size(), matching.size()));
    Set<String> flaky = Counting.flaky(all, execution.configuration().runMode() == RunMode.stress);
    return flakiness(execution.id(), shown)
        .map(
            byTest ->
                shown.stream()
                    .map(r -> ResultView.of(r, flaky.contains(r.id()), byTest.get(r.testId())))
                    .toList())
        .map(
            items ->
                paging == null
                    ? PageView.all(items)
                    : new PageView<>(items, paging.page(), paging.size(), matching.size()));
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

  /**
   * The execution's log. With {@code after} or {@code size}: the chunks stored after position
   * {@code after}, at most {@code size}, as {@code {items, size, next}} for tailing; without
   * either: every chunk on one page, as before tailing (docs/api.md#logs).
   */
  @GetMapping("/{id}/logs")
  @ApiResponse(
      responseCode = "200",
      description =
          "With after or size: {items, size, next}, each item with its position; without: every"
              + " chunk as {items, page, size, total}",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(oneOf = {LogTail.class, PageView.class})))
  Mono<Object> logs(
      @PathVariable String id,
      @RequestParam(required = false) Long after,
      @RequestParam(required = false) Integer size,
      @RequestParam(required = false) String test,
      @RequestParam(required = false) String stage,
      @RequestParam(required = false) String machine) {
    ResultStore.LogFilter filter = new ResultStore.LogFilter(test, stage, machine);
    if (after == null && size == null) {
      return executions
          .get(id)
          .flatMapMany(e -> results.logs(id))
          .filter(filter::test)
          .map(LogView::of)
          .collectList()
          .map(PageView::all);
    }
    long from = after == null ? 0 : after;
    if (from < 0) {
      throw new InvalidInputException("after: must be 0 or more");
    }
    int limit = PageRequest.sizeOf(size, LogTail.DEFAULT_SIZE);
    return executions
        .get(id)
        .flatMap(e -> results.logsAfter(id, from, limit, filter, e.state().isTerminal()))
        .map(tail -> LogTail.of(tail, limit));
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

  /**
   * A page of a log read by position (docs/api.md#logs).
   *
   * @param size the most items asked for
   * @param next the {@code after} for the following chunks, or null when none are stored yet
   */
  record LogTail(List<LogView> items, int size, Long next) {
    static final int DEFAULT_SIZE = 100;

    static LogTail of(ResultStore.LogPage page, int size) {
      return new LogTail(
          page.items().stream().map(e -> LogView.of(e.chunk(), e.position())).toList(),
          size,
          page.next());
    }
  }

  /**
   * A chunk of a stage's output.
   *
   * @param seq the agent's sequence number of the chunk within its test attempt
   * @param position where it is in the execution's log, the {@code after} to read on from it; only
   *     in a tail read
   */
  record LogView(
      String testId,
      String machine,
      int attempt,
      String stage,
      String stream,
      long seq,
      String text,
      Instant at,
      @JsonInclude(JsonInclude.Include.NON_NULL) Long position) {
    static LogView of(LogChunkDocument d) {
      return of(d, null);
    }

    static LogView of(LogChunkDocument d, Long position) {
      return new LogView(
          d.testId(),
          d.machine(),
          d.attempt(),
          d.stage(),
          d.stream(),
          d.seq(),
          d.text(),
          d.at(),
          position);
    }
  }
}
