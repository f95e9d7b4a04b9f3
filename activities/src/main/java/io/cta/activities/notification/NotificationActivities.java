package io.cta.activities.notification;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** Notifications of a complete execution, implemented by the consumer (docs/notifications.md). */
@ActivityInterface
public interface NotificationActivities {

  /** The execution's notifications whose condition ({@code on}) holds for its outcome. */
  @ActivityMethod
  List<DeliveryRequest> due(String executionId);

  /**
   * Delivers one notification once and records the attempt in the execution's delivery log. Fails
   * (retryable unless the failure is permanent) when the delivery did not succeed.
   */
  @ActivityMethod
  void deliver(DeliveryRequest request);

  /** Records a final delivery failure in the delivery log and counts it in the metrics. */
  @ActivityMethod
  void giveUp(DeliveryFailure failure);
}
