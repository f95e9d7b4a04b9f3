package io.cta.activities.schedule;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * When a scenario runs by itself: a cron expression in a time zone, or one fixed instant.
 *
 * @param cron 5 fields (minute first) or 6 (seconds first), Spring style; null for a fixed instant
 * @param timeZone IANA zone of the cron expression (default UTC)
 * @param at the fixed instant (epoch ms), or null for cron
 * @param overlap what to do when a fire comes while the previous execution still runs
 * @param catchUpWindowMs a fire missed (the consumer was down) still starts on recovery if it is at
 *     most this late; older ones are recorded as missed
 */
public record ScheduleSpec(
    String cron, String timeZone, Long at, Overlap overlap, long catchUpWindowMs) {

  public static final long DEFAULT_CATCH_UP_WINDOW_MS = 10 * 60_000L;

  public ScheduleSpec {
    timeZone = timeZone == null || timeZone.isBlank() ? "UTC" : timeZone;
    overlap = overlap == null ? Overlap.skip : overlap;
    catchUpWindowMs = catchUpWindowMs <= 0 ? DEFAULT_CATCH_UP_WINDOW_MS : catchUpWindowMs;
  }

  @JsonIgnore
  public boolean isFixed() {
    return at != null;
  }

  /** The overlap policy (docs/scheduling.md). */
  public enum Overlap {
    /** Do not start while the previous execution is pending or running; record the skip. */
    @JsonProperty("skip")
    skip,
    /** Keep at most one fire waiting; start it when the previous execution ends. */
    @JsonProperty("buffer-one")
    bufferOne,
    /** Always start. */
    @JsonProperty("allow")
    allow
  }
}
