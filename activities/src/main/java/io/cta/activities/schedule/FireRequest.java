package io.cta.activities.schedule;

/**
 * Start the scenario for one fire of its schedule.
 *
 * @param scheduledAt the fire time (epoch ms); with the scenario it identifies the execution, so a
 *     retried fire never starts a second one
 * @param trigger "schedule", "trigger" (a user's trigger-now) or "catch-up"
 * @param missed fires before this one that were too late to start, to record as missed
 */
public record FireRequest(
    String scenarioId,
    long scheduledAt,
    String trigger,
    ScheduleSpec.Overlap overlap,
    int missed) {}
