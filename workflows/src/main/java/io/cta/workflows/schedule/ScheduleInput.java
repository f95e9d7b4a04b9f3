package io.cta.workflows.schedule;

import io.cta.activities.schedule.ScheduleSpec;

/**
 * A schedule workflow's state, carried across continue-as-new.
 *
 * @param cursor fires at or before this time (epoch ms) are handled; 0 means "from now"
 * @param buffered a fire is waiting for the previous execution to end (overlap buffer-one)
 */
public record ScheduleInput(
    String scenarioId, ScheduleSpec spec, boolean paused, long cursor, boolean buffered) {}
