package io.cta.activities.events;

import java.util.List;
import java.util.Map;

/**
 * One event of a batch. {@code key} is the agent's idempotency key: the consumer stores each key
 * once, so re-delivery after a lost answer never doubles anything.
 *
 * <ul>
 *   <li>{@code state}: {@code state} (running, finished, canceled, timeout) of this machine's part
 *   <li>{@code result}: {@code testId}, {@code caseName}, {@code status}, {@code message}, {@code
 *       description}, {@code durationMs}, {@code custom}, {@code attachments}, {@code screenshots},
 *       {@code startedAt}, {@code finishedAt}
 *   <li>{@code log}: {@code testId}, {@code stage}, {@code stream} (stdout|stderr), {@code seq},
 *       {@code text}
 * </ul>
 */
public record AgentEvent(
    String key,
    String type,
    String executionId,
    String testId,
    int attempt,
    long at,
    String state,
    String caseName,
    String status,
    String message,
    String description,
    Long durationMs,
    Map<String, String> custom,
    List<String> attachments,
    List<String> screenshots,
    Long startedAt,
    Long finishedAt,
    String stage,
    String stream,
    Long seq,
    String text) {

  public static final String STATE = "state";
  public static final String RESULT = "result";
  public static final String LOG = "log";

  public static AgentEvent state(String key, String executionId, String state, long at) {
    return new AgentEvent(
        key,
        STATE,
        executionId,
        null,
        0,
        at,
        state,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** A result whose duration is the time between its start and finish. */
  public static AgentEvent result(
      String key,
      String executionId,
      String testId,
      int attempt,
      String caseName,
      String status,
      String message,
      long startedAt,
      long finishedAt) {
    return result(
        key,
        executionId,
        testId,
        attempt,
        caseName,
        status,
        message,
        null,
        finishedAt - startedAt,
        null,
        null,
        null,
        startedAt,
        finishedAt);
  }

  /** A result with every field; {@code at} is its finish. */
  public static AgentEvent result(
      String key,
      String executionId,
      String testId,
      int attempt,
      String caseName,
      String status,
      String message,
      String description,
      Long durationMs,
      Map<String, String> custom,
      List<String> attachments,
      List<String> screenshots,
      long startedAt,
      long finishedAt) {
    return new AgentEvent(
        key,
        RESULT,
        executionId,
        testId,
        attempt,
        finishedAt,
        null,
        caseName,
        status,
        message,
        description,
        durationMs,
        custom,
        attachments,
        screenshots,
        startedAt,
        finishedAt,
        null,
        null,
        null,
        null);
  }

  public static AgentEvent log(
      String key,
      String executionId,
      String testId,
      int attempt,
      String stage,
      String stream,
      long seq,
      String text,
      long at) {
    return new AgentEvent(
        key,
        LOG,
        executionId,
        testId,
        attempt,
        at,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        stage,
        stream,
        seq,
        text);
  }
}
