package io.cta.server.scenario;

import io.cta.activities.RunMode;
import io.cta.server.definition.SuiteDocument;
import io.cta.server.definition.TestDefinition;
import io.cta.server.error.InvalidInputException;
import io.cta.server.execution.Counting;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ResultStore;
import io.cta.server.execution.SuiteSnapshot;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** What a rerun with {@code onlyFailed} runs again (docs/results.md). */
@Component
public class RerunSelection {

  private final ResultStore results;

  public RerunSelection(ResultStore results) {
    this.results = results;
  }

  /** The tests of the original's suite whose final status is not ok, or that have no result. */
  public Mono<SuiteDocument> failedPart(ExecutionDocument original, SuiteSnapshot snapshot) {
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
}
