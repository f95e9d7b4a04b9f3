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
 * @param source {@link #SOURCE_IMPORT} for results produced elsewhere and uploaded (no workflow;
 *     docs/results.md#imported-executions), or null for a run of CTA (documents written before the
 *     field read as null)
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
    String rerunOf,
    String source) {

  /** The {@code source} of an execution stored from uploaded JUnit XML. */
  public static final String SOURCE_IMPORT = "import";

  /** Created from uploaded results rather than run by CTA: it never has a workflow. */
  public boolean imported() {
    return SOURCE_IMPORT.equals(source);
  }

  /** Who asked to cancel, why and when. */
  public record Cancellation(String by, String reason, Instant at) {}

  /** A builder that names every value; unset values are null, 0 or false. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this record's values, to change a few by name. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.number = number;
    b.scenarioId = scenarioId;
    b.scenarioName = scenarioName;
    b.state = state;
    b.result = result;
    b.counters = counters;
    b.machines = machines;
    b.requestedAt = requestedAt;
    b.startedAt = startedAt;
    b.finishedAt = finishedAt;
    b.reason = reason;
    b.workflowId = workflowId;
    b.priority = priority;
    b.requestReason = requestReason;
    b.requestedBy = requestedBy;
    b.pendingTimeout = pendingTimeout;
    b.runningTimeout = runningTimeout;
    b.retries = retries;
    b.concurrency = concurrency;
    b.configuration = configuration;
    b.cancellation = cancellation;
    b.notifications = notifications;
    b.chainDepth = chainDepth;
    b.rerunOf = rerunOf;
    b.source = source;
    return b;
  }

  /**
   * Names each value of a {@link ExecutionDocument}, so two values of one type cannot be swapped.
   */
  public static final class Builder {
    private String id;
    private long number;
    private String scenarioId;
    private String scenarioName;
    private ExecutionState state;
    private TestStatus result;
    private Counters counters;
    private List<MachineRun> machines;
    private Instant requestedAt;
    private Instant startedAt;
    private Instant finishedAt;
    private String reason;
    private String workflowId;
    private int priority;
    private String requestReason;
    private String requestedBy;
    private long pendingTimeout;
    private long runningTimeout;
    private int retries;
    private Concurrency concurrency;
    private ConfigurationDocument configuration;
    private Cancellation cancellation;
    private List<Notification> notifications;
    private int chainDepth;
    private String rerunOf;
    private String source;

    private Builder() {}

    public Builder id(String id) {
      this.id = id;
      return this;
    }

    public Builder number(long number) {
      this.number = number;
      return this;
    }

    public Builder scenarioId(String scenarioId) {
      this.scenarioId = scenarioId;
      return this;
    }

    public Builder scenarioName(String scenarioName) {
      this.scenarioName = scenarioName;
      return this;
    }

    public Builder state(ExecutionState state) {
      this.state = state;
      return this;
    }

    public Builder result(TestStatus result) {
      this.result = result;
      return this;
    }

    public Builder counters(Counters counters) {
      this.counters = counters;
      return this;
    }

    public Builder machines(List<MachineRun> machines) {
      this.machines = machines;
      return this;
    }

    public Builder requestedAt(Instant requestedAt) {
      this.requestedAt = requestedAt;
      return this;
    }

    public Builder startedAt(Instant startedAt) {
      this.startedAt = startedAt;
      return this;
    }

    public Builder finishedAt(Instant finishedAt) {
      this.finishedAt = finishedAt;
      return this;
    }

    public Builder reason(String reason) {
      this.reason = reason;
      return this;
    }

    public Builder workflowId(String workflowId) {
      this.workflowId = workflowId;
      return this;
    }

    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    public Builder requestReason(String requestReason) {
      this.requestReason = requestReason;
      return this;
    }

    public Builder requestedBy(String requestedBy) {
      this.requestedBy = requestedBy;
      return this;
    }

    public Builder pendingTimeout(long pendingTimeout) {
      this.pendingTimeout = pendingTimeout;
      return this;
    }

    public Builder runningTimeout(long runningTimeout) {
      this.runningTimeout = runningTimeout;
      return this;
    }

    public Builder retries(int retries) {
      this.retries = retries;
      return this;
    }

    public Builder concurrency(Concurrency concurrency) {
      this.concurrency = concurrency;
      return this;
    }

    public Builder configuration(ConfigurationDocument configuration) {
      this.configuration = configuration;
      return this;
    }

    public Builder cancellation(Cancellation cancellation) {
      this.cancellation = cancellation;
      return this;
    }

    public Builder notifications(List<Notification> notifications) {
      this.notifications = notifications;
      return this;
    }

    public Builder chainDepth(int chainDepth) {
      this.chainDepth = chainDepth;
      return this;
    }

    public Builder rerunOf(String rerunOf) {
      this.rerunOf = rerunOf;
      return this;
    }

    public Builder source(String source) {
      this.source = source;
      return this;
    }

    public ExecutionDocument build() {
      return new ExecutionDocument(
          id,
          number,
          scenarioId,
          scenarioName,
          state,
          result,
          counters,
          machines,
          requestedAt,
          startedAt,
          finishedAt,
          reason,
          workflowId,
          priority,
          requestReason,
          requestedBy,
          pendingTimeout,
          runningTimeout,
          retries,
          concurrency,
          configuration,
          cancellation,
          notifications,
          chainDepth,
          rerunOf,
          source);
    }
  }
}
