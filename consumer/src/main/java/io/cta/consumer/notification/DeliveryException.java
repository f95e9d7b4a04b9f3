package io.cta.consumer.notification;

/**
 * A delivery attempt that did not succeed. Its message goes to the delivery log and the consumer's
 * log, so it never holds a secret.
 *
 * @param statusCode the HTTP status a webhook receiver answered, if it answered
 * @param permanent whether another attempt cannot succeed (bad configuration): no retry
 */
class DeliveryException extends RuntimeException {

  private final Integer statusCode;
  private final boolean permanent;

  DeliveryException(String message, Integer statusCode, boolean permanent) {
    super(message);
    this.statusCode = statusCode;
    this.permanent = permanent;
  }

  Integer statusCode() {
    return statusCode;
  }

  boolean permanent() {
    return permanent;
  }
}
