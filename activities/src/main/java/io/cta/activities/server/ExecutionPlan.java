package io.cta.activities.server;

import io.cta.activities.RunMode;
import io.cta.activities.agent.TestSpec;
import java.util.List;

/**
 * An execution resolved against the machines: where its work goes and how long it may take.
 *
 * @param queue task queue the work is dispatched to (in {@code stress}: unused, each machine's own
 *     queue is)
 * @param machine the machine name when one specific machine is targeted, else null
 * @param machines the machines that run the whole suite in {@code stress} mode, else empty
 * @param plannedStartAt the common start instant (epoch ms) of a {@code stress} execution, else 0
 * @param tests the suite in dispatch order when it is small enough to travel in this plan; empty
 *     when {@code testCount} is larger, and lanes load their share with {@link
 *     ServerActivities#loadTests}
 * @param testCount how many tests the suite has
 * @param window how many tests of a {@code parallel} execution may wait or run at once
 * @param maxAttempts how many machines may try a test that loses its machine (re-dispatch), when
 *     the target is not one specific machine
 * @param retries how many more times a test that reports failed is run
 * @param priority 0 (default) to 100: higher is dispatched first among work waiting for machines
 * @param concurrencyLimited whether the execution must first take one of its scenario's slots
 * @param problem why the execution cannot run at all (it ends in error), or null
 */
public record ExecutionPlan(
    RunMode runMode,
    String queue,
    String machine,
    List<String> machines,
    long plannedStartAt,
    List<TestSpec> tests,
    int testCount,
    int window,
    long pendingTimeoutMs,
    long runningTimeoutMs,
    long heartbeatTimeoutMs,
    long resultGraceMs,
    int maxAttempts,
    int retries,
    int priority,
    boolean concurrencyLimited,
    String problem) {

  public ExecutionPlan {
    machines = machines == null ? List.of() : List.copyOf(machines);
    tests = tests == null ? List.of() : List.copyOf(tests);
  }

  /** A plan that cannot run: the execution ends in error with {@code problem}. */
  public static ExecutionPlan impossible(String problem) {
    return builder().window(1).maxAttempts(1).problem(problem).build();
  }

  /** This plan without its tests, for lanes that load their share themselves. */
  public ExecutionPlan withoutTests() {
    return toBuilder().tests(List.of()).build();
  }

  /** Whether the suite travels in this plan rather than being loaded lane by lane. */
  public boolean testsInline() {
    return tests.size() >= testCount;
  }

  /** A builder that names every value; unset values are null, 0 or false. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this record's values, to change a few by name. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.runMode = runMode;
    b.queue = queue;
    b.machine = machine;
    b.machines = machines;
    b.plannedStartAt = plannedStartAt;
    b.tests = tests;
    b.testCount = testCount;
    b.window = window;
    b.pendingTimeoutMs = pendingTimeoutMs;
    b.runningTimeoutMs = runningTimeoutMs;
    b.heartbeatTimeoutMs = heartbeatTimeoutMs;
    b.resultGraceMs = resultGraceMs;
    b.maxAttempts = maxAttempts;
    b.retries = retries;
    b.priority = priority;
    b.concurrencyLimited = concurrencyLimited;
    b.problem = problem;
    return b;
  }

  /** Names each value of a {@link ExecutionPlan}, so two values of one type cannot be swapped. */
  public static final class Builder {
    private RunMode runMode;
    private String queue;
    private String machine;
    private List<String> machines;
    private long plannedStartAt;
    private List<TestSpec> tests;
    private int testCount;
    private int window;
    private long pendingTimeoutMs;
    private long runningTimeoutMs;
    private long heartbeatTimeoutMs;
    private long resultGraceMs;
    private int maxAttempts;
    private int retries;
    private int priority;
    private boolean concurrencyLimited;
    private String problem;

    private Builder() {}

    public Builder runMode(RunMode runMode) {
      this.runMode = runMode;
      return this;
    }

    public Builder queue(String queue) {
      this.queue = queue;
      return this;
    }

    public Builder machine(String machine) {
      this.machine = machine;
      return this;
    }

    public Builder machines(List<String> machines) {
      this.machines = machines;
      return this;
    }

    public Builder plannedStartAt(long plannedStartAt) {
      this.plannedStartAt = plannedStartAt;
      return this;
    }

    public Builder tests(List<TestSpec> tests) {
      this.tests = tests;
      return this;
    }

    public Builder testCount(int testCount) {
      this.testCount = testCount;
      return this;
    }

    public Builder window(int window) {
      this.window = window;
      return this;
    }

    public Builder pendingTimeoutMs(long pendingTimeoutMs) {
      this.pendingTimeoutMs = pendingTimeoutMs;
      return this;
    }

    public Builder runningTimeoutMs(long runningTimeoutMs) {
      this.runningTimeoutMs = runningTimeoutMs;
      return this;
    }

    public Builder heartbeatTimeoutMs(long heartbeatTimeoutMs) {
      this.heartbeatTimeoutMs = heartbeatTimeoutMs;
      return this;
    }

    public Builder resultGraceMs(long resultGraceMs) {
      this.resultGraceMs = resultGraceMs;
      return this;
    }

    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    public Builder retries(int retries) {
      this.retries = retries;
      return this;
    }

    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    public Builder concurrencyLimited(boolean concurrencyLimited) {
      this.concurrencyLimited = concurrencyLimited;
      return this;
    }

    public Builder problem(String problem) {
      this.problem = problem;
      return this;
    }

    public ExecutionPlan build() {
      return new ExecutionPlan(
          runMode,
          queue,
          machine,
          machines,
          plannedStartAt,
          tests,
          testCount,
          window,
          pendingTimeoutMs,
          runningTimeoutMs,
          heartbeatTimeoutMs,
          resultGraceMs,
          maxAttempts,
          retries,
          priority,
          concurrencyLimited,
          problem);
    }
  }
}
