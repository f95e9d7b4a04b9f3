package io.cta.server.live;

import java.util.Map;

/**
 * One change that WebSocket clients see, as stored in the live feed (docs/api.md, "WebSocket").
 *
 * @param seq position in the feed: increasing, unique, not contiguous for one subscriber
 * @param type {@code execution}, {@code execution.machine}, {@code results}, {@code logs} or {@code
 *     machine}
 * @param executionId the execution it concerns, if any
 * @param at when it was written (epoch ms, the writer's clock)
 * @param data the small JSON payload
 */
public record LiveEvent(
    long seq, String type, String executionId, long at, Map<String, Object> data) {

  /**
   * Whether a subscriber of {@code topic} ({@code executions}, {@code machines}, an id) sees it.
   */
  public boolean belongsTo(LiveTopic topic) {
    return switch (topic.kind()) {
      case executions -> type.equals(EXECUTION);
      case machines -> type.equals(MACHINE);
      case execution -> topic.id().equals(executionId) && !type.equals(MACHINE);
    };
  }

  public static final String EXECUTION = "execution";
  public static final String EXECUTION_MACHINE = "execution.machine";
  public static final String RESULTS = "results";
  public static final String LOGS = "logs";
  public static final String MACHINE = "machine";
}
