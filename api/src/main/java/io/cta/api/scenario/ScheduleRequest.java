package io.cta.api.scenario;

import io.cta.activities.schedule.ScheduleSpec;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/**
 * A schedule (docs/scheduling.md): {@code {"cron", "timeZone", "overlap"}} or {@code {"at"}}.
 *
 * @param cron 5 fields (minute first) or 6 (seconds first), Spring style, no "?" needed
 * @param timeZone IANA time zone of the cron expression, default UTC
 * @param at one fixed instant in the future (ISO-8601 UTC)
 * @param overlap skip (default), buffer-one or allow
 * @param catchUpWindow ms: a fire missed while CTA was down still starts if at most this late
 *     (default 10 minutes)
 */
public record ScheduleRequest(
    @Size(max = 200) String cron,
    @Size(max = 100) String timeZone,
    Instant at,
    ScheduleSpec.Overlap overlap,
    @Min(1000) @Max(604_800_000) Long catchUpWindow) {

  ScheduleSpec toSpec() {
    return new ScheduleSpec(
        cron,
        timeZone,
        at == null ? null : at.toEpochMilli(),
        overlap,
        catchUpWindow == null ? 0 : catchUpWindow);
  }
}
