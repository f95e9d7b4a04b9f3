package io.cta.api.execution;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.cta.activities.TestStatus;
import io.cta.api.file.FileView;
import io.cta.server.execution.ResultDocument;
import io.cta.server.history.Flakiness;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A result as the API shows it (docs/api.md, docs/design.md#vocabulary); {@code case} is the JUnit
 * case name.
 *
 * @param attachments the result's attachments: id, name, size and download URL of each
 * @param screenshots the result's screenshots, the same way
 * @param flaky this is the attempt that passed after an earlier attempt of the same key in this
 *     execution did not
 * @param flakiness how often the test's outcome flipped over its recent executions (0 to 1, see
 *     docs/results.md), or null when the test history has none of its runs yet
 * @param flakyHistory the test history calls the test flaky
 */
public record ResultView(
    String id,
    String executionId,
    String testId,
    @JsonProperty("case") String caseName,
    String machine,
    int attempt,
    TestStatus status,
    String message,
    String description,
    Long durationMs,
    List<FileView> attachments,
    List<FileView> screenshots,
    Map<String, String> custom,
    Instant startedAt,
    Instant finishedAt,
    boolean late,
    boolean flaky,
    Double flakiness,
    boolean flakyHistory) {

  static ResultView of(ResultDocument r, boolean flaky, Flakiness history) {
    return new ResultView(
        r.id(),
        r.executionId(),
        r.testId(),
        r.caseName(),
        r.machine(),
        r.attempt(),
        r.status(),
        r.message(),
        r.description(),
        r.durationMs(),
        FileView.of(r.attachments()),
        FileView.of(r.screenshots()),
        r.custom(),
        r.startedAt(),
        r.finishedAt(),
        r.late(),
        flaky,
        history == null ? null : history.score(),
        history != null && history.flaky());
  }
}
