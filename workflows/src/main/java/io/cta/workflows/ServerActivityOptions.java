package io.cta.workflows;

import io.cta.temporal.TaskQueues;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/** How workflows call the consumer's activities: on the server queue, retried until they work. */
public final class ServerActivityOptions {

  public static final ActivityOptions DEFAULT =
      ActivityOptions.newBuilder()
          .setTaskQueue(TaskQueues.SERVER)
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(
              RetryOptions.newBuilder().setMaximumInterval(Duration.ofSeconds(10)).build())
          .build();

  private ServerActivityOptions() {}
}
