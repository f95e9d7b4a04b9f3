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
    return builder().key(key).type(STATE).executionId(executionId).at(at).state(state).build();
  }

  /**
   * A result whose duration is the time between its start and finish; {@code at} is its finish. Its
   * optional parts (description, custom values, files) are set by name on {@link #toBuilder}.
   */
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
    return builder()
        .key(key)
        .type(RESULT)
        .executionId(executionId)
        .testId(testId)
        .attempt(attempt)
        .at(finishedAt)
        .caseName(caseName)
        .status(status)
        .message(message)
        .durationMs(finishedAt - startedAt)
        .startedAt(startedAt)
        .finishedAt(finishedAt)
        .build();
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
    return builder()
        .key(key)
        .type(LOG)
        .executionId(executionId)
        .testId(testId)
        .attempt(attempt)
        .at(at)
        .stage(stage)
        .stream(stream)
        .seq(seq)
        .text(text)
        .build();
  }

  /**
   * A builder that names every value; unset values are null or 0. The kinds have factories ({@link
   * #state}, {@link #result}, {@link #log}); this is for the rest, e.g. a result's optional parts.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this record's values, to change a few by name. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.key = key;
    b.type = type;
    b.executionId = executionId;
    b.testId = testId;
    b.attempt = attempt;
    b.at = at;
    b.state = state;
    b.caseName = caseName;
    b.status = status;
    b.message = message;
    b.description = description;
    b.durationMs = durationMs;
    b.custom = custom;
    b.attachments = attachments;
    b.screenshots = screenshots;
    b.startedAt = startedAt;
    b.finishedAt = finishedAt;
    b.stage = stage;
    b.stream = stream;
    b.seq = seq;
    b.text = text;
    return b;
  }

  /** Names each value of a {@link AgentEvent}, so two values of one type cannot be swapped. */
  public static final class Builder {
    private String key;
    private String type;
    private String executionId;
    private String testId;
    private int attempt;
    private long at;
    private String state;
    private String caseName;
    private String status;
    private String message;
    private String description;
    private Long durationMs;
    private Map<String, String> custom;
    private List<String> attachments;
    private List<String> screenshots;
    private Long startedAt;
    private Long finishedAt;
    private String stage;
    private String stream;
    private Long seq;
    private String text;

    private Builder() {}

    public Builder key(String key) {
      this.key = key;
      return this;
    }

    public Builder type(String type) {
      this.type = type;
      return this;
    }

    public Builder executionId(String executionId) {
      this.executionId = executionId;
      return this;
    }

    public Builder testId(String testId) {
      this.testId = testId;
      return this;
    }

    public Builder attempt(int attempt) {
      this.attempt = attempt;
      return this;
    }

    public Builder at(long at) {
      this.at = at;
      return this;
    }

    public Builder state(String state) {
      this.state = state;
      return this;
    }

    public Builder caseName(String caseName) {
      this.caseName = caseName;
      return this;
    }

    public Builder status(String status) {
      this.status = status;
      return this;
    }

    public Builder message(String message) {
      this.message = message;
      return this;
    }

    public Builder description(String description) {
      this.description = description;
      return this;
    }

    public Builder durationMs(Long durationMs) {
      this.durationMs = durationMs;
      return this;
    }

    public Builder custom(Map<String, String> custom) {
      this.custom = custom;
      return this;
    }

    public Builder attachments(List<String> attachments) {
      this.attachments = attachments;
      return this;
    }

    public Builder screenshots(List<String> screenshots) {
      this.screenshots = screenshots;
      return this;
    }

    public Builder startedAt(Long startedAt) {
      this.startedAt = startedAt;
      return this;
    }

    public Builder finishedAt(Long finishedAt) {
      this.finishedAt = finishedAt;
      return this;
    }

    public Builder stage(String stage) {
      this.stage = stage;
      return this;
    }

    public Builder stream(String stream) {
      this.stream = stream;
      return this;
    }

    public Builder seq(Long seq) {
      this.seq = seq;
      return this;
    }

    public Builder text(String text) {
      this.text = text;
      return this;
    }

    public AgentEvent build() {
      return new AgentEvent(
          key,
          type,
          executionId,
          testId,
          attempt,
          at,
          state,
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
          stage,
          stream,
          seq,
          text);
    }
  }
}
