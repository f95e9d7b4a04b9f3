package io.cta.workflows.schedule;

import io.cta.activities.DispatchSizing;
import io.cta.activities.schedule.FireRequest;
import io.cta.activities.schedule.FireResult;
import io.cta.activities.schedule.ScheduleActivities;
import io.cta.activities.schedule.ScheduleSpec;
import io.cta.workflows.ServerActivityOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Fire times come from {@link FireTimes} with workflow time, so replays compute the same ones. A
 * timer that fires late (the consumer was down) catches up: the latest due fire starts if it is
 * within the catch-up window, the others are recorded as missed.
 */
public class ScheduleWorkflowImpl implements ScheduleWorkflow {

  /** How often a buffered fire checks whether the previous execution ended. */
  static final Duration BUFFER_RECHECK = Duration.ofSeconds(10);

  private final ScheduleActivities activities =
      Workflow.newActivityStub(ScheduleActivities.class, ServerActivityOptions.DEFAULT);

  private String scenarioId;
  private ScheduleSpec spec;
  private boolean paused;
  private boolean buffered;
  private long cursor;
  private boolean changed;
  private boolean triggered;
  private boolean stopped;
  private long lastFireAt;
  private String lastExecutionId;

  /**
   * A signal in the workflow's first task (sent right after the start, or with it) runs its handler
   * before {@link #run}: from this version on, run() keeps what such a signal set instead of
   * overwriting it with the input.
   */
  static final String SIGNALS_BEFORE_RUN = "keep-signals-before-run";

  private boolean specSignalled;
  private boolean pauseSignalled;

  @Override
  public void run(ScheduleInput input) {
    boolean keepSignalled =
        Workflow.getVersion(SIGNALS_BEFORE_RUN, Workflow.DEFAULT_VERSION, 1) >= 1;
    scenarioId = input.scenarioId();
    if (!(keepSignalled && specSignalled)) {
      spec = input.spec();
      buffered = input.buffered();
    }
    if (!(keepSignalled && pauseSignalled)) {
      paused = input.paused();
    }
    cursor = input.cursor() > 0 ? input.cursor() : Workflow.currentTimeMillis();

    while (!stopped) {
      if (Workflow.getInfo().getHistoryLength() > DispatchSizing.SCHEDULE_HISTORY_LIMIT) {
        Workflow.continueAsNew(new ScheduleInput(scenarioId, spec, paused, cursor, buffered));
      }
      Optional<Long> next = paused ? Optional.empty() : FireTimes.next(spec, cursor);
      if (next.isEmpty() && spec.isFixed() && !paused && !buffered) {
        return; // a fixed instant that has fired: the schedule is done
      }
      Duration wait = next.map(this::until).orElse(null);
      if (buffered && !paused && (wait == null || wait.compareTo(BUFFER_RECHECK) > 0)) {
        wait = BUFFER_RECHECK;
      }
      boolean woken =
          wait == null
              ? awaitSignal()
              : Workflow.await(wait, () -> changed || triggered || stopped);
      if (stopped) {
        return;
      }
      if (triggered) {
        triggered = false;
        fire(Workflow.currentTimeMillis(), "trigger", 0);
      } else if (changed) {
        changed = false;
        cursor = Workflow.currentTimeMillis();
      } else if (!woken) {
        onTimer();
      }
    }
  }

  /** A timer elapsed: fire what is due, or retry the buffered fire. */
  private void onTimer() {
    long now = Workflow.currentTimeMillis();
    List<Long> due = dueFires(now);
    if (due.isEmpty()) {
      if (buffered) {
        fire(now, "buffered", 0);
      }
      return;
    }
    long latest = due.get(due.size() - 1);
    cursor = latest;
    if (now - latest > spec.catchUpWindowMs()) {
      activities.recordMissed(
          new FireRequest(scenarioId, latest, "schedule", spec.overlap(), due.size()));
      return;
    }
    fire(latest, due.size() > 1 || now - latest > 1_000 ? "catch-up" : "schedule", due.size() - 1);
  }

  /** Fire times in (cursor, now], at most a bounded number (older ones only count as missed). */
  private List<Long> dueFires(long now) {
    List<Long> due = new java.util.ArrayList<>();
    long from = cursor;
    while (due.size() < 1_000) {
      Optional<Long> next = FireTimes.next(spec, from);
      if (next.isEmpty() || next.get() > now) {
        break;
      }
      due.add(next.get());
      from = next.get();
    }
    return due;
  }

  private void fire(long scheduledAt, String trigger, int missed) {
    FireResult result =
        activities.fire(new FireRequest(scenarioId, scheduledAt, trigger, spec.overlap(), missed));
    switch (result.outcome()) {
      case started -> {
        buffered = false;
        lastFireAt = scheduledAt;
        lastExecutionId = result.executionId();
      }
      case skipped -> buffered = spec.overlap() == ScheduleSpec.Overlap.bufferOne;
      case gone -> stopped = true;
    }
    // MongoDB holds the schedule users set: converge if a change signal never arrived.
    if (result.spec() != null && !result.spec().equals(spec)) {
      spec = result.spec();
      cursor = Workflow.currentTimeMillis();
    }
    paused = paused || result.paused();
  }

  private boolean awaitSignal() {
    Workflow.await(() -> changed || triggered || stopped);
    return true;
  }

  private Duration until(long time) {
    return Duration.ofMillis(Math.max(0, time - Workflow.currentTimeMillis()));
  }

  @Override
  public void update(ScheduleSpec newSpec) {
    spec = newSpec;
    specSignalled = true;
    buffered = false;
    changed = true;
  }

  @Override
  public void pause() {
    paused = true;
    pauseSignalled = true;
    changed = true;
  }

  @Override
  public void resume() {
    paused = false;
    pauseSignalled = true;
    changed = true;
  }

  @Override
  public void trigger() {
    triggered = true;
  }

  @Override
  public void stop() {
    stopped = true;
  }

  @Override
  public ScheduleState getState() {
    long from = Math.max(cursor, Workflow.currentTimeMillis());
    return new ScheduleState(
        paused,
        buffered,
        paused ? List.of() : FireTimes.next(spec, from, 5),
        lastFireAt,
        lastExecutionId,
        spec);
  }
}
