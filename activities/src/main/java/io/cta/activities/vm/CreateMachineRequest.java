package io.cta.activities.vm;

/**
 * @param attempt 1 for the first machine, 2 for the replacement of one whose agent never registered
 */
public record CreateMachineRequest(String poolId, String leaseId, int attempt) {

  /**
   * The id of this attempt's machine: its provider's idempotency key and its document's id
   * (docs/vm- manager.md#machines).
   */
  public String machineId() {
    return machineId(leaseId, attempt);
  }

  public static String machineId(String leaseId, int attempt) {
    return leaseId + "-" + attempt;
  }
}
