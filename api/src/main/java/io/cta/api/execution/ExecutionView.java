package io.cta.api.execution;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cta.activities.ExecutionState;
import io.cta.activities.TestStatus;
import io.cta.server.execution.Counters;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.MachineRun;
import io.cta.server.machine.MachineStore;
import java.time.Instant;
import java.util.List;

/**
 * An execution as the API shows it (docs/api.md, docs/design.md#vocabulary).
 *
 * @param waiting while pending: since when and why it waits; while running on a {@code machine}
 *     target whose machine is draining or offline: why (its {@code since} is null); else null
 * @param workflowUrl the workflow's page in the Temporal Web UI, or null when no UI is configured
 *     ({@code cta.temporal.ui-url})
 * @param rerunOf the execution this one runs again ({@code POST /executions/{id}/rerun}), or null
 * @param source {@code import} for results uploaded from elsewhere (no workflow,
 *     docs/results.md#imported-executions), or null for a run of CTA
 * @param running while running: the tests its machines run right now, as their last heartbeats
 *     said; omitted otherwise
 * @param progress while running: how many of its planned test runs have a result; omitted
 *     otherwise, or when the suite is unknown
 */
public record ExecutionView(
    String id,
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
    String workflowUrl,
    int priority,
    String requestReason,
    String requestedBy,
    long pendingTimeout,
    long runningTimeout,
    int retries,
    ExecutionDocument.Cancellation cancellation,
    Waiting waiting,
    String rerunOf,
    String source,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<RunningTest> running,
    @JsonInclude(JsonInclude.Include.NON_NULL) Progress progress) {

  /**
   * A test one of the execution's machines runs now.
   *
   * @param since when the machine's agent took it
   */
  public record RunningTest(String testId, String machine, int attempt, Instant since) {}

  /**
   * How far a running execution is.
   *
   * @param tests the test runs it plans: its suite's tests, once per machine in stress mode
   * @param done how many of them have a final result (docs/design.md#counting), those running again
   *     after a failed attempt not included
   */
  public record Progress(int tests, int done) {}

  /**
   * @param reason why it has not started, or null when a matching machine is free and the work is
   *     about to be picked up
   */
  /**
   * Why a pending execution waits, or a running one whose only machine stopped taking work.
   *
   * @param since when it started waiting: the request, or null while running (not recorded)
   * @param reason in words: the concurrency limit, machines still to start (stress), and why no
   *     matching machine takes the work; null when a matching machine is free (it is about to)
   * @param machines every machine the target matches with its status and why it cannot take the
   *     work now, then up to 20 machines it does not match and why (property mismatch, not in
   *     group)
   */
  public record Waiting(
      Instant since, long waitedMs, String reason, List<MachineStore.Candidate> machines) {}

  static ExecutionView of(ExecutionDocument e, Waiting waiting, WorkflowLinks links) {
    return of(e, waiting, links, null, null);
  }

  static ExecutionView of(
      ExecutionDocument e,
      Waiting waiting,
      WorkflowLinks links,
      List<RunningTest> running,
      Progress progress) {
    return new ExecutionView(
        e.id(),
        e.number(),
        e.scenarioId(),
        e.scenarioName(),
        e.state(),
        e.result(),
        e.counters(),
        e.machines(),
        e.requestedAt(),
        e.startedAt(),
        e.finishedAt(),
        e.reason(),
        e.workflowId(),
        links.workflowUrl(e.workflowId()),
        e.priority(),
        e.requestReason(),
        e.requestedBy(),
        e.pendingTimeout(),
        e.runningTimeout(),
        e.retries(),
        e.cancellation(),
        waiting,
        e.rerunOf(),
        e.source(),
        running,
        progress);
  }
}
