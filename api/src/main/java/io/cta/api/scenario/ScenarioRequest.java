package io.cta.api.scenario;

import io.cta.server.definition.Concurrency;
import io.cta.server.definition.Retention;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Body of {@code POST/PUT /api/v1/scenarios}; timeouts in milliseconds, each from 1 s to 7 days.
 * Defaults: pending 30 minutes, running 2 hours, no retries (a failed test may be run up to 10 more
 * times; a test that passes only on a retry is ok and flagged flaky). A {@code schedule} sets the
 * scenario's schedule; leaving it out keeps the current one (see {@code /scenarios/{id}/schedule}).
 * {@code notifications} (at most 10) fire when an execution completes (docs/notifications.md).
 * {@code retention} ({@code {"days": N}} or {@code {"lastExecutions": N}}) says how long its ended
 * executions are kept; without it the consumer's default applies (docs/configurations.md).
 */
public record ScenarioRequest(
    @NotBlank @Size(max = 200) String name,
    @Size(max = 10_000) String description,
    @NotBlank @Size(max = 100) String testSuiteId,
    @NotBlank @Size(max = 100) String configurationId,
    @Min(1000) @Max(604_800_000) Long pendingTimeout,
    @Min(1000) @Max(604_800_000) Long runningTimeout,
    @Min(0) @Max(10) Integer retries,
    Concurrency concurrency,
    @Valid ScheduleRequest schedule,
    List<NotificationRequest> notifications,
    Retention retention) {

  public static final long DEFAULT_PENDING_TIMEOUT = 30 * 60_000L;
  public static final long DEFAULT_RUNNING_TIMEOUT = 2 * 3_600_000L;
}
