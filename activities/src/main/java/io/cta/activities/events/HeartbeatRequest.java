package io.cta.activities.events;

import java.util.List;

/**
 * {@code POST /agent/v1/heartbeat}: the agent is alive and runs these executions.
 *
 * @param stopping the agent is shutting down (SIGTERM): it takes no new work and exits once its
 *     running tests end, so the server shows its machine draining
 * @param running the tests it runs right now, at most {@link #MAX_RUNNING}; null from agents older
 *     than this field (none shown), and consumers older than it ignore it
 */
public record HeartbeatRequest(
    String name, List<String> executions, boolean stopping, List<RunningTest> running) {

  /** Bounds the body whatever the agent's slots; the api shows no more than these. */
  public static final int MAX_RUNNING = 64;

  /** A heartbeat that does not say which tests run (as agents before that field sent). */
  public HeartbeatRequest(String name, List<String> executions, boolean stopping) {
    this(name, executions, stopping, null);
  }
}
