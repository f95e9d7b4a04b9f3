package io.cta.consumer.notification;

import io.cta.activities.ExecutionState;
import io.cta.activities.TestStatus;
import io.cta.server.execution.Counters;
import io.cta.server.execution.ExecutionDocument;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What every notification says about a complete execution: the {@code execution} object of a
 * webhook's JSON, and the rows of an email (docs/notifications.md).
 *
 * @param durationMs from the start to the end, or null if it never started
 * @param link the execution in the REST API
 */
record ExecutionSummary(
    String id,
    long number,
    String scenarioId,
    String scenarioName,
    ExecutionState state,
    TestStatus result,
    Counters counters,
    Instant requestedAt,
    Instant startedAt,
    Instant finishedAt,
    Long durationMs,
    String reason,
    String link) {

  static ExecutionSummary of(ExecutionDocument execution, String publicUrl) {
    Long duration =
        execution.startedAt() == null || execution.finishedAt() == null
            ? null
            : Duration.between(execution.startedAt(), execution.finishedAt()).toMillis();
    return new ExecutionSummary(
        execution.id(),
        execution.number(),
        execution.scenarioId(),
        execution.scenarioName(),
        execution.state(),
        execution.result(),
        execution.counters() == null ? Counters.ZERO : execution.counters(),
        execution.requestedAt(),
        execution.startedAt(),
        execution.finishedAt(),
        duration,
        execution.reason(),
        publicUrl + "/api/v1/executions/" + execution.id());
  }

  /** One line: scenario, number, state and result, e.g. {@code nightly #12: finished, failed}. */
  String title() {
    return scenarioName
        + " #"
        + number
        + ": "
        + state
        + (result == null ? ", no results" : ", " + result);
  }

  /** Label and value of each line of an email; absent values are left out. */
  List<Map.Entry<String, String>> rows() {
    List<Map.Entry<String, String>> rows = new ArrayList<>();
    rows.add(Map.entry("Scenario", scenarioName + " (execution #" + number + ")"));
    rows.add(Map.entry("State", state.name()));
    rows.add(Map.entry("Result", result == null ? "no results" : result.name()));
    rows.add(
        Map.entry(
            "Counters",
            counters.ok()
                + " ok, "
                + counters.failed()
                + " failed, "
                + counters.partial()
                + " partial, "
                + counters.inconclusive()
                + " inconclusive"));
    rows.add(Map.entry("Requested", String.valueOf(requestedAt)));
    if (startedAt != null) {
      rows.add(Map.entry("Started", startedAt.toString()));
    }
    if (finishedAt != null) {
      rows.add(Map.entry("Finished", finishedAt.toString()));
    }
    if (durationMs != null) {
      rows.add(Map.entry("Duration", durationMs / 1000.0 + " s"));
    }
    if (reason != null) {
      rows.add(Map.entry("Reason", reason));
    }
    return rows;
  }
}
