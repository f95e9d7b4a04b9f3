package io.cta.workflows.notification;

import io.cta.activities.notification.DeliveryFailure;
import io.cta.activities.notification.DeliveryRequest;
import io.cta.activities.notification.NotificationActivities;
import io.cta.temporal.TaskQueues;
import io.cta.workflows.ServerActivityOptions;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Delivers each due notification side by side, each with bounded retries (docs/notifications.md).
 */
public class NotificationWorkflowImpl implements NotificationWorkflow {

  /** Five attempts, 10 s, 20 s, 40 s and 80 s apart: a receiver may be down for about 2.5 min. */
  static final RetryOptions DELIVERY_RETRY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(10))
          .setBackoffCoefficient(2)
          .setMaximumInterval(Duration.ofMinutes(5))
          .setMaximumAttempts(5)
          .build();

  private final NotificationActivities notifications =
      Workflow.newActivityStub(NotificationActivities.class, ServerActivityOptions.DEFAULT);

  private final NotificationActivities delivery =
      Workflow.newActivityStub(
          NotificationActivities.class,
          ActivityOptions.newBuilder()
              .setTaskQueue(TaskQueues.SERVER)
              .setStartToCloseTimeout(Duration.ofSeconds(60))
              .setRetryOptions(DELIVERY_RETRY)
              .build());

  @Override
  public void run(NotificationInput input) {
    List<Promise<Void>> deliveries = new ArrayList<>();
    for (DeliveryRequest request : notifications.due(input.executionId())) {
      deliveries.add(Async.procedure(this::deliver, request));
    }
    Promise.allOf(deliveries).get();
  }

  private void deliver(DeliveryRequest request) {
    try {
      delivery.deliver(request);
    } catch (ActivityFailure failure) {
      notifications.giveUp(
          new DeliveryFailure(
              request.executionId(), request.index(), request.type(), rootMessage(failure)));
    }
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String original = root instanceof TemporalFailure t ? t.getOriginalMessage() : null;
    return original == null || original.isBlank() ? root.getMessage() : original;
  }
}
