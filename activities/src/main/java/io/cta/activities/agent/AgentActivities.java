package io.cta.activities.agent;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** What an agent does for a workflow; implemented by the agent, polled on its task queues. */
@ActivityInterface
public interface AgentActivities {

  /**
   * Runs the test's stages, reports its results and output to the consumer, heartbeats while it
   * runs, and on cancellation runs the current stage's stop command and kills its process tree.
   */
  @ActivityMethod
  RunTestResult runTest(RunTestRequest request);
}
