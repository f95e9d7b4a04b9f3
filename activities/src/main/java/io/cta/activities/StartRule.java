package io.cta.activities;

/**
 * When an execution starts (pending to running): the one rule that the workflow, for its timers,
 * and the consumer, for the state stored in MongoDB, both apply
 * (docs/architecture.md#lifecycle-owner). Outside {@code stress} the first machine to start starts
 * the execution. In {@code stress} every listed machine either started or had its part end without
 * starting (lost): a lost machine no longer holds back the start of the others.
 */
public final class StartRule {

  private StartRule() {}

  /**
   * @param machinesExpected the machines a stress execution waits for (its plan's machines)
   * @param machinesStarted machines that started their part
   * @param machinesLost machines whose part ended without starting
   */
  public static boolean started(
      RunMode mode, int machinesExpected, int machinesStarted, int machinesLost) {
    if (mode != RunMode.stress) {
      return machinesStarted > 0;
    }
    return machinesStarted + machinesLost >= machinesExpected;
  }
}
