package io.cta.server.execution;

import io.cta.activities.ExecutionState;

/**
 * The state of one machine's part in an execution. The constant names are the strings stored in
 * MongoDB and shown by the api, so they never change.
 */
public enum MachineRunState {
  /** Targeted, has not started its part yet. */
  pending,
  /** Started its part (its agent reported {@code running}). */
  running,
  finished,
  canceled,
  /** Lost (stopped heartbeating), or still pending when its execution timed out. */
  timeout,
  error,
  /** Targeted but never ran: another machine of the group or pool took the work. */
  acked;

  /** The state of a part that was running when its execution ended {@code state}. */
  public static MachineRunState endedAs(ExecutionState state) {
    return switch (state) {
      case canceled -> canceled;
      case timeout -> timeout;
      case error -> error;
      default -> finished;
    };
  }
}
