package io.cta.activities;

/** Lifecycle of an execution: pending, then running, then one terminal state. */
public enum ExecutionState {
  pending,
  running,
  finished,
  canceled,
  timeout,
  /** CTA itself failed (e.g. orchestration state was lost); always comes with a reason. */
  error;

  public boolean isTerminal() {
    return this != pending && this != running;
  }
}
