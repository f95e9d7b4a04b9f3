package io.cta.workflows.schedule;

import java.util.List;

/** Answer of the schedule workflow's getState query. */
public record ScheduleState(
    boolean paused,
    boolean buffered,
    List<Long> nextFires,
    long lastFireAt,
    String lastExecutionId) {}
