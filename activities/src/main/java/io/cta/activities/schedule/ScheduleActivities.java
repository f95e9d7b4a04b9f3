package io.cta.activities.schedule;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Server-side steps of a schedule, implemented by the consumer. */
@ActivityInterface
public interface ScheduleActivities {

  /** Starts an execution of the scenario unless the overlap policy says to skip, and records it. */
  @ActivityMethod
  FireResult fire(FireRequest request);

  /** Records fires that were missed and not started (too late), without starting anything. */
  @ActivityMethod
  void recordMissed(FireRequest request);
}
