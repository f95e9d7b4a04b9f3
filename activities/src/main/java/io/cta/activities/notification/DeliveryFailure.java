package io.cta.activities.notification;

/**
 * A notification that will not be delivered: its last attempt failed and no retry is left.
 *
 * @param reason the last attempt's error
 */
public record DeliveryFailure(
    String executionId, int index, NotificationType type, String reason) {}
