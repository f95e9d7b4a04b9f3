package io.cta.server.notification;

import io.cta.activities.notification.NotificationType;
import java.time.Instant;

/**
 * One line of an execution's delivery log: an attempt to deliver one of its notifications, or the
 * end of the attempts.
 *
 * @param notification the notification's index in the scenario's {@code notifications}
 * @param target webhook: the URL without its query; email: the recipients; chain: the scenario id
 * @param attempt 1 for the first attempt; for {@code abandoned}, how many attempts were made
 * @param statusCode webhook: the HTTP status the receiver answered, if it answered
 * @param error why the attempt failed, or why delivery was abandoned
 * @param chainedExecutionId chain: the execution it started
 */
public record Delivery(
    int notification,
    NotificationType type,
    String target,
    int attempt,
    Status status,
    Integer statusCode,
    String error,
    String chainedExecutionId,
    Instant at) {

  public enum Status {
    /** This attempt delivered the notification. */
    delivered,
    /** This attempt failed; another follows unless the failure was permanent. */
    failed,
    /** No attempt is left: the notification is not delivered (counted in the metrics). */
    abandoned
  }
}
