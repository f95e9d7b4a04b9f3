package io.cta.activities;

/**
 * How big the pieces of a dispatch are: what travels in a plan, how many tests a lane takes, how
 * long a workflow history may grow. One place because they bound one thing together (the size of
 * every history); see docs/architecture.md, "Large executions".
 *
 * <p>Changing a value changes the commands a workflow issues: guard it with {@code
 * Workflow.getVersion} and keep {@code WorkflowReplayTest} green.
 */
public final class DispatchSizing {

  /** Inline plans stay small in history: at most this many test runs (tests x attempts). */
  public static final int INLINE_RUNS = 400;

  /** A parallel window is twice the eligible slots, so a machine finds work when it frees one. */
  public static final int MAX_WINDOW = 1_000;

  /** Tests per lane of a large parallel execution: no lane's history grows with the suite. */
  public static final int LANE_TESTS = 500;

  /** Tests a lane loads per activity call: bounds the size of each history event. */
  public static final int LANE_PAGE = 50;

  /**
   * A lane continues as new once its history passes this many events (about 6 per test). Low on
   * purpose: without a sticky cache (the embedded default) every workflow task replays the whole
   * run, so the replay cost per test grows with this limit.
   */
  public static final int LANE_HISTORY_LIMIT = 400;

  /** A schedule continues as new well below Temporal's history limits. */
  public static final int SCHEDULE_HISTORY_LIMIT = 2_000;

  /** A test refused this often by full agents is an error rather than a race (bounds history). */
  public static final int MAX_REFUSALS = 100;

  /** Lost machines a lane summary names at most: it travels through history. */
  public static final int MAX_LOST_MACHINES = 20;

  private DispatchSizing() {}
}
