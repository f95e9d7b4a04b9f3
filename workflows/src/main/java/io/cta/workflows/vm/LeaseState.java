package io.cta.workflows.vm;

/**
 * What a lease is doing now.
 *
 * @param attempt which machine (1, or 2 for the replacement)
 * @param machine the machine's name, once created
 * @param executionId the execution that leases it
 * @param reason why it waits or why it ended
 */
public record LeaseState(
    Phase phase, int attempt, String machine, String executionId, String reason) {

  public enum Phase {
    /** For a place under the pool's cap. */
    waiting,
    /** Its machine is being made; its agent has not registered. */
    creating,
    /** Its agent registered; no execution uses it. */
    ready,
    /** An execution uses it. */
    leased,
    /** Its machine is being destroyed. */
    destroying,
    ended
  }
}
