package io.cta.workflows.execution;

import io.cta.activities.server.ExecutionPlan;

/**
 * One lane of a large execution, and where it is when it continues as new.
 *
 * @param plan the execution's plan, without its tests (the lane loads its share page by page)
 * @param lane this lane's index: it runs every {@code lanes}-th test from it
 * @param queue where the next test goes (a mono or group lane pins it to its machine)
 * @param window the most tests released at once, or 0 to run them one after the other
 * @param notBefore the common start instant of a stress machine's first test, or 0
 * @param next index of the next test within the lane's share
 * @param before what earlier runs of this lane did
 */
public record LaneInput(
    String executionId,
    String executionWorkflowId,
    ExecutionPlan plan,
    int lane,
    int lanes,
    String queue,
    int window,
    long notBefore,
    int next,
    LaneSummary before) {

  LaneInput continueFrom(int index, String nextQueue, LaneSummary summary) {
    return toBuilder().queue(nextQueue).next(index).before(summary).build();
  }

  /** A builder that names every value; unset values are null, 0 or false. */
  static Builder builder() {
    return new Builder();
  }

  /** A builder holding this record's values, to change a few by name. */
  Builder toBuilder() {
    Builder b = new Builder();
    b.executionId = executionId;
    b.executionWorkflowId = executionWorkflowId;
    b.plan = plan;
    b.lane = lane;
    b.lanes = lanes;
    b.queue = queue;
    b.window = window;
    b.notBefore = notBefore;
    b.next = next;
    b.before = before;
    return b;
  }

  /** Names each value of a {@link LaneInput}, so two values of one type cannot be swapped. */
  static final class Builder {
    private String executionId;
    private String executionWorkflowId;
    private ExecutionPlan plan;
    private int lane;
    private int lanes;
    private String queue;
    private int window;
    private long notBefore;
    private int next;
    private LaneSummary before;

    private Builder() {}

    public Builder executionId(String executionId) {
      this.executionId = executionId;
      return this;
    }

    public Builder executionWorkflowId(String executionWorkflowId) {
      this.executionWorkflowId = executionWorkflowId;
      return this;
    }

    public Builder plan(ExecutionPlan plan) {
      this.plan = plan;
      return this;
    }

    public Builder lane(int lane) {
      this.lane = lane;
      return this;
    }

    public Builder lanes(int lanes) {
      this.lanes = lanes;
      return this;
    }

    public Builder queue(String queue) {
      this.queue = queue;
      return this;
    }

    public Builder window(int window) {
      this.window = window;
      return this;
    }

    public Builder notBefore(long notBefore) {
      this.notBefore = notBefore;
      return this;
    }

    public Builder next(int next) {
      this.next = next;
      return this;
    }

    public Builder before(LaneSummary before) {
      this.before = before;
      return this;
    }

    public LaneInput build() {
      return new LaneInput(
          executionId,
          executionWorkflowId,
          plan,
          lane,
          lanes,
          queue,
          window,
          notBefore,
          next,
          before);
    }
  }
}
