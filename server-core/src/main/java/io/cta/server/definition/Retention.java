package io.cta.server.definition;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How long a scenario keeps its ended executions (docs/configurations.md, "Retention"); exactly one
 * field is set. A scenario without one follows the consumer's {@code cta.consumer.retention.*}.
 *
 * @param days keep the executions requested in the last this many days
 * @param lastExecutions keep the executions among the scenario's latest this many run requests
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Retention(Integer days, Integer lastExecutions) {

  public static final int MAX_DAYS = 3_650;
  public static final int MAX_LAST_EXECUTIONS = 1_000_000;

  /** What is wrong with it, naming the field, or null when it is valid. */
  public String problem() {
    if ((days == null) == (lastExecutions == null)) {
      return "retention: give either days or lastExecutions";
    }
    if (days != null && (days < 1 || days > MAX_DAYS)) {
      return "retention.days: must be between 1 and " + MAX_DAYS;
    }
    if (lastExecutions != null && (lastExecutions < 1 || lastExecutions > MAX_LAST_EXECUTIONS)) {
      return "retention.lastExecutions: must be between 1 and " + MAX_LAST_EXECUTIONS;
    }
    return null;
  }
}
