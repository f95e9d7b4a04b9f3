package io.cta.consumer.schedule;

import io.cta.activities.schedule.FireRequest;
import io.cta.activities.schedule.FireResult;
import io.cta.activities.schedule.ScheduleActivities;
import io.cta.activities.schedule.ScheduleSpec;
import io.cta.server.error.ConflictException;
import io.cta.server.error.NotFoundException;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.scenario.ScenarioRunner;
import io.cta.server.scenario.ScheduleDocument;
import io.cta.server.scenario.ScheduleStore;
import io.cta.workflows.schedule.FireTimes;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Starts scheduled executions and records what each fire did. */
@Component
public class ScheduleActivitiesImpl implements ScheduleActivities {

  private static final Logger log = LoggerFactory.getLogger(ScheduleActivitiesImpl.class);

  private final ScheduleStore schedules;
  private final ExecutionStore executions;
  private final ScenarioRunner runner;

  public ScheduleActivitiesImpl(
      ScheduleStore schedules, ExecutionStore executions, ScenarioRunner runner) {
    this.schedules = schedules;
    this.executions = executions;
    this.runner = runner;
  }

  /**
   * The execution id of a fire: derived from the scenario and the fire time, so fires are
   * idempotent.
   */
  static String executionId(String scenarioId, long scheduledAt) {
    return "sch-" + scenarioId + "-" + scheduledAt;
  }

  @Override
  public FireResult fire(FireRequest request) {
    Instant scheduledAt = Instant.ofEpochMilli(request.scheduledAt());
    ScheduleDocument schedule = schedules.find(request.scenarioId()).block();
    if (schedule == null) {
      return new FireResult(FireResult.Outcome.gone, null, "the schedule was deleted", null, false);
    }
    String notDue = notDue(request, schedule);
    if (notDue != null) {
      log.info(
          "fire of schedule {} at {} ({}) starts nothing: {}",
          request.scenarioId(),
          scheduledAt,
          request.trigger(),
          notDue);
      return new FireResult(
          FireResult.Outcome.notDue, null, notDue, schedule.spec(), schedule.paused());
    }
    String id = executionId(request.scenarioId(), request.scheduledAt());
    if (request.overlap() != ScheduleSpec.Overlap.allow) {
      Optional<ExecutionDocument> active =
          executions.findActiveOfScenario(request.scenarioId()).blockOptional();
      if (active.isPresent() && !active.get().id().equals(id)) {
        String reason = "execution " + active.get().id() + " is still " + active.get().state();
        boolean waits = request.overlap() == ScheduleSpec.Overlap.bufferOne;
        if (!request.trigger().equals("buffered")) {
          // A buffered fire's rechecks are not news; its first skip was recorded.
          record(
              request,
              waits ? "buffered" : "skipped",
              active.get().id(),
              reason,
              !waits && schedule.spec().isFixed());
        }
        return new FireResult(
            FireResult.Outcome.skipped,
            active.get().id(),
            reason,
            schedule.spec(),
            schedule.paused());
      }
    }
    ExecutionDocument execution;
    try {
      execution =
          runner
              .run(
                  request.scenarioId(),
                  new ScenarioRunner.Run(
                      id, 0, "schedule (" + request.trigger() + ")", "schedule", 0))
              .block();
    } catch (NotFoundException e) {
      return new FireResult(FireResult.Outcome.gone, null, "the scenario was deleted", null, false);
    } catch (ConflictException e) {
      // The scenario's concurrency limit rejects it (or its suite or configuration is gone).
      String reason = e.getMessage();
      record(request, "skipped", null, reason, schedule.spec().isFixed());
      return new FireResult(
          FireResult.Outcome.skipped, null, reason, schedule.spec(), schedule.paused());
    }
    if (request.missed() > 0) {
      record(request, "missed", null, missedText(request.missed()), false);
    }
    record(request, "started", execution.id(), null, schedule.spec().isFixed());
    return new FireResult(
        FireResult.Outcome.started, execution.id(), null, schedule.spec(), schedule.paused());
  }

  /**
   * Why MongoDB, which holds the schedule users set, says this fire must not start anything: the
   * schedule is paused (a pause signal may have been lost; a user's trigger-now still fires, as
   * documented), or a timed fire is not a fire time of the stored spec (it was changed and the
   * workflow still keeps the old time). Null when the fire may start.
   */
  private static String notDue(FireRequest request, ScheduleDocument schedule) {
    if (request.trigger().equals("trigger")) {
      return null;
    }
    if (schedule.paused()) {
      return "the schedule is paused";
    }
    if (request.trigger().equals("buffered")) {
      return null; // a fire already due, waiting for the previous execution; not a fire time
    }
    boolean isFireTime =
        FireTimes.next(schedule.spec(), request.scheduledAt() - 1)
            .filter(t -> t == request.scheduledAt())
            .isPresent();
    return isFireTime ? null : "the schedule was changed and no longer fires at this time";
  }

  @Override
  public void recordMissed(FireRequest request) {
    boolean fixed =
        schedules
            .find(request.scenarioId())
            .map(d -> d.spec().isFixed())
            .defaultIfEmpty(false)
            .block();
    record(
        request,
        "missed",
        null,
        missedText(request.missed()) + "; all later than the catch-up window",
        fixed);
  }

  private void record(
      FireRequest request, String kind, String executionId, String detail, boolean done) {
    schedules
        .record(
            request.scenarioId(),
            new ScheduleDocument.Event(
                kind,
                Instant.ofEpochMilli(request.scheduledAt()),
                request.trigger(),
                executionId,
                detail,
                Instant.now()),
            done)
        .block();
  }

  private static String missedText(int missed) {
    return missed + (missed == 1 ? " fire" : " fires") + " missed while CTA could not run them";
  }
}
