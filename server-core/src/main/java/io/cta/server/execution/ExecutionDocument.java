package io.cta.server.execution;

import io.cta.activities.ExecutionState;
import io.cta.activities.TestStatus;
import io.cta.server.definition.Concurrency;
import io.cta.server.definition.ConfigurationDocument;
import io.cta.server.definition.Notification;
import java.time.Instant;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One run of a scenario, with snapshots of the suite and configuration it ran, so later edits of
 * those never change what an execution shows.
 *
 * @param notifications the scenario's notifications when it was run (with their secrets: never
 *     shown)
 * @param chainDepth 0, or how many chain notifications led to this execution (the loop guard)
 * @param rerunOf the execution this one runs again ({@code POST /executions/{id}/rerun}), or null
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
    Cancellation cancellation,
    List<Notification> notifications,
    int chainDepth,
    String rerunOf) {

  /** Who asked to cancel, why and when. */
  public record Cancellation(String by, String reason, Instant at) {}
}
