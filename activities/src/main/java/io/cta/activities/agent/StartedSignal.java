package io.cta.activities.agent;

/**
 * Sent by an agent to the execution's workflow when it starts running a test, so the workflow
 * switches from the pending to the running timeout at once.
 */
public record StartedSignal(String machine) {

  /** The signal's name: the {@code started} signal method of the execution workflow. */
  public static final String NAME = "started";
}
