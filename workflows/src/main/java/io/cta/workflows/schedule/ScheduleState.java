package io.cta.workflows.schedule;

import io.cta.activities.schedule.ScheduleSpec;
import java.util.List;

/**
 * Answer of the schedule workflow's getState query.
 *
 * @param spec the schedule the workflow keeps time by; the reconciler compares it (and {@code
 *     paused}) with MongoDB's and signals again where a change signal was lost
 */
public record ScheduleState(
    boolean paused,
    boolean buffered,
    List<Long> nextFires,
    long lastFireAt,
    String lastExecutionId,
    ScheduleSpec spec) {}
