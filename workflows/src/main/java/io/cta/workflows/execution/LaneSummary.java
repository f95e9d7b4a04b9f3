package io.cta.workflows.execution;

import io.cta.activities.DispatchSizing;
import io.cta.activities.ExecutionState;
import java.util.ArrayList;
import java.util.List;

/**
 * What a lane did, bounded whatever the number of tests: it travels through workflow history.
 *
 * @param expectedResults results the agents announced, so that completion can wait for them
 * @param lostMachines machines that stopped heartbeating while running work of this lane (at most
 *     {@link DispatchSizing#MAX_LOST_MACHINES} names)
 * @param lostTests tests that lost their machine on every allowed attempt ({@code parallel})
 * @param lostReason why the first such test, or a {@code stress} machine, was lost
 * @param stopState set when the lane stopped the execution (canceled, error, or a lost machine in
 *     {@code mono} and {@code group}), with {@code stopReason}
 */
public record LaneSummary(
    int testsDone,
    int expectedResults,
    List<String> lostMachines,
    int lostTests,
    String lostReason,
    ExecutionState stopState,
    String stopReason) {

  public LaneSummary {
    lostMachines = lostMachines == null ? List.of() : List.copyOf(lostMachines);
  }

  static final LaneSummary EMPTY = new LaneSummary(0, 0, List.of(), 0, null, null, null);

  LaneSummary plus(LaneSummary other) {
    List<String> lost = new ArrayList<>(lostMachines);
    for (String machine : other.lostMachines) {
      if (!lost.contains(machine) && lost.size() < DispatchSizing.MAX_LOST_MACHINES) {
        lost.add(machine);
      }
    }
    boolean keepOwnStop = stopState != null && stopState != ExecutionState.timeout;
    return new LaneSummary(
        testsDone + other.testsDone,
        expectedResults + other.expectedResults,
        lost,
        lostTests + other.lostTests,
        lostReason != null ? lostReason : other.lostReason,
        keepOwnStop || other.stopState == null ? stopState : other.stopState,
        keepOwnStop || other.stopState == null ? stopReason : other.stopReason);
  }
}
