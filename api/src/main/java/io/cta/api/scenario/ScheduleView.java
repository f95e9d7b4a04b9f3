package io.cta.api.scenario;

import io.cta.activities.schedule.ScheduleSpec;
import io.cta.server.scenario.ScheduleDocument;
import io.cta.workflows.schedule.FireTimes;
import java.time.Instant;
import java.util.List;

/**
 * A scenario's schedule as the API shows it.
 *
 * @param state active, paused or done (a fixed instant that has fired)
 * @param nextFires the next five fire times (none while paused or done)
 * @param events the latest fires, skips and misses, newest last
 * @param updatedAt the last change of the spec or of paused (the {@code ETag})
 */
public record ScheduleView(
    String cron,
    String timeZone,
    Instant at,
    ScheduleSpec.Overlap overlap,
    long catchUpWindow,
    String state,
    List<Instant> nextFires,
    LastFire lastFire,
    List<ScheduleDocument.Event> events,
    Instant updatedAt) {

  public record LastFire(Instant at, String executionId) {}

  static ScheduleView of(ScheduleDocument d, Instant now) {
    ScheduleSpec spec = d.spec();
    String state = d.done() ? "done" : d.paused() ? "paused" : "active";
    long from = Math.max(now.toEpochMilli(), d.cursor() == null ? 0 : d.cursor().toEpochMilli());
    List<Instant> next =
        state.equals("active")
            ? FireTimes.next(spec, from, 5).stream().map(Instant::ofEpochMilli).toList()
            : List.of();
    return new ScheduleView(
        spec.cron(),
        spec.isFixed() ? null : spec.timeZone(),
        spec.isFixed() ? Instant.ofEpochMilli(spec.at()) : null,
        spec.overlap(),
        spec.catchUpWindowMs(),
        state,
        next,
        d.lastFireAt() == null ? null : new LastFire(d.lastFireAt(), d.lastExecutionId()),
        d.events() == null ? List.of() : d.events(),
        d.updatedAt());
  }
}
