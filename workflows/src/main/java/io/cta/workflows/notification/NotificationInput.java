package io.cta.workflows.notification;

/** Notifies about one complete execution. */
public record NotificationInput(String executionId) {}
