package io.cta.activities.notification;

/**
 * One notification of an execution to deliver. It names the notification by its index in the
 * execution's snapshot of its scenario's notifications: a secret never travels through workflow
 * history, the consumer reads it from MongoDB when it sends.
 */
public record DeliveryRequest(String executionId, int index, NotificationType type) {}
