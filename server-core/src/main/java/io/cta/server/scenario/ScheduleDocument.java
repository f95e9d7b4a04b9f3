package io.cta.server.scenario;

import io.cta.activities.schedule.ScheduleSpec;
import java.time.Instant;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * The schedule of one scenario (its id is the scenario's) and what it did lately. The schedule
 * workflow keeps time; this document is what the API shows and what the reconciler restarts a lost
 * workflow from.
 *
 * @param cursor fires at or before this time were handled (started, skipped or missed)
 * @param done a fixed-instant schedule that has fired
 * @param events the latest fires, skips and misses, newest last, at most {@link #MAX_EVENTS}
 */
@Document("schedules")
public record ScheduleDocument(
    @Id String scenarioId,
    ScheduleSpec spec,
    boolean paused,
    boolean done,
    Instant cursor,
    Instant lastFireAt,
    String lastExecutionId,
    List<Event> events,
    Instant updatedAt) {

  public static final int MAX_EVENTS = 20;

  /**
   * @param kind started, skipped, buffered (waits for the previous execution) or missed
   * @param scheduledAt the fire time it was for
   */
  public record Event(
      String kind,
      Instant scheduledAt,
      String trigger,
      String executionId,
      String detail,
      Instant at) {}
}
