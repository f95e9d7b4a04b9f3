package io.cta.server.execution;

import io.cta.activities.ExecutionState;
import io.cta.activities.TestStatus;
import io.cta.server.definition.Concurrency;
import io.cta.server.definition.ConfigurationDocument;
import java.time.Instant;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One run of a scenario, with snapshots of the suite and configuration it ran, so later edits of
 * those never change what an execution shows.
 */
@Document("executions")
public record ExecutionDocument(
    @Id String id,
    long number,
    String scenarioId,
    String scenarioName,
    ExecutionState state,
    TestStatus result,
    Counters counters,
    List<MachineRun> machines,
    Instant requestedAt,
    Instant startedAt,
    Instant finishedAt,
    String reason,
    String workflowId,
    int priority,
    String requestReason,
    String requestedBy,
    long pendingTimeout,
    long runningTimeout,
    int retries,
    Concurrency concurrency,
    ConfigurationDocument configuration,
    Cancellation cancellation) {

  /** Who asked to cancel, why and when. */
  public record Cancellation(String by, String reason, Instant at) {}
}
