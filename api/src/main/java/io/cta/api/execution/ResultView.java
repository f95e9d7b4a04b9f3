package io.cta.api.execution;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.cta.activities.TestStatus;
import io.cta.server.execution.ResultDocument;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A result as the API shows it (design.md section 4); {@code case} is the JUnit case name, {@code
 * flaky} marks the attempt that passed after an earlier attempt of the same test did not.
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
    List<String> attachments,
    List<String> screenshots,
    Map<String, String> custom,
    Instant startedAt,
    Instant finishedAt,
    boolean late,
    boolean flaky) {

  static ResultView of(ResultDocument r, boolean flaky) {
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
        r.attachments(),
        r.screenshots(),
        r.custom(),
        r.startedAt(),
        r.finishedAt(),
        r.late(),
        flaky);
  }
}
