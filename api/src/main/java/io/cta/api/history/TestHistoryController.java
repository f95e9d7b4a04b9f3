package io.cta.api.history;

import io.cta.server.definition.DefinitionStore;
import io.cta.server.definition.SuiteDocument;
import io.cta.server.error.InvalidInputException;
import io.cta.server.error.NotFoundException;
import io.cta.server.history.TestHistoryStore;
import io.cta.server.history.TestRun;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
class TestHistoryController {

  private final TestHistoryStore history;
  private final DefinitionStore definitions;

  TestHistoryController(TestHistoryStore history, DefinitionStore definitions) {
    this.history = history;
    this.definitions = definitions;
  }

  /**
   * The test's latest {@code limit} runs (1 to 200, default 50), newest first, with its flakiness
   * over them. A test that left its suite keeps its history; 404 when neither the test is in the
   * suite nor any run of it is known.
   */
  @GetMapping("/api/v1/suites/{suiteId}/tests/{testId}/history")
  Mono<TestHistoryView> history(
      @PathVariable String suiteId,
      @PathVariable String testId,
      @RequestParam(required = false) Integer limit) {
    int n = limit == null ? TestHistoryStore.DEFAULT_WINDOW : limit;
    if (n < 1 || n > TestHistoryStore.MAX_RUNS) {
      throw new InvalidInputException("limit: must be between 1 and " + TestHistoryStore.MAX_RUNS);
    }
    return history
        .runs(suiteId, testId, n)
        .filter(runs -> !runs.isEmpty())
        .switchIfEmpty(
            Mono.defer(
                () ->
                    definitions
                        .get(SuiteDocument.class, suiteId, "suite")
                        .filter(s -> s.tests().stream().anyMatch(t -> t.id().equals(testId)))
                        .switchIfEmpty(
                            Mono.error(
                                () ->
                                    new NotFoundException(
                                        "suite '"
                                            + suiteId
                                            + "' has no test '"
                                            + testId
                                            + "' and no history of one")))
                        .map(s -> List.<TestRun>of())))
        .map(runs -> TestHistoryView.of(suiteId, testId, n, runs));
  }
}
