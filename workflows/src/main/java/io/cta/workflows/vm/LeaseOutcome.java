package io.cta.workflows.vm;

/**
 * How a lease ended.
 *
 * @param end how
 * @param executionId the execution that held the machine last, if any
 * @param reason in words a user can act on; null when released as planned
 */
public record LeaseOutcome(End end, String executionId, String reason) {

  public enum End {
    /** Released, and its machine destroyed. */
    released,
    /** No place under the pool's cap within the place timeout: nothing was created. */
    noPlace,
    /** Neither machine's agent registered within the launch timeout. */
    launchTimeout,
    /** The VM timeout passed: the machine was destroyed whatever ran on it. */
    vmTimeout,
    /** The provider refused to make the machine, or its instance disappeared. */
    failed
  }
}
